// Loading what the server serves (knowledge, index, flows, engine) through
// session::load_content, with the counts the server reports in its logs
// and at /healthz.
//
// Thread-safety: free functions; the Content they return is immutable.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "server/server_options.hpp"
#include "session/content.hpp"

namespace guidechat::server {

Result<std::shared_ptr<const session::Content>> load_served_content(const ServerOptions& options);

// The optional word lists the content is read with (knowledge/synonyms.txt,
// the language's everyday and English word lists) that exist now. Loading
// succeeds without them, with worse answers, so a reload compares them.
std::vector<std::string> present_word_lists(const ServerOptions& options);

std::size_t section_count(const session::Content& content);
std::size_t flow_count(const session::Content& content);

}  // namespace guidechat::server
