// What the commands share: printing reply parts for a person, the content
// directory options, and the session key from the environment.
//
// Thread-safety: used from main()'s thread only.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "common/result.hpp"
#include "protocol/message.hpp"
#include "session/token.hpp"

namespace guidechat::cli {

// Prints parts as plain text: answers and outcomes with the section they
// come from, asks with numbered options, summaries as a list.
void print_parts(const std::vector<protocol::Part>& parts);

// Adds --knowledge and --dialogs (also GUIDECHAT_KNOWLEDGE /
// GUIDECHAT_DIALOGS) to `cmd`, defaulting to the bundled directories.
void add_content_options(CLI::App* cmd, std::string* knowledge_dir, std::string* dialogs_dir);

// The sealer for GUIDECHAT_SESSION_KEY, or a random one when it is unset.
Result<session::TokenSealer> sealer_from_env();

}  // namespace guidechat::cli
