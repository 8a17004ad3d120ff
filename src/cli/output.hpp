// What the terminal commands share: printing reply parts for a person, and
// the session key from the environment.
//
// Thread-safety: used from main()'s thread only.
#pragma once

#include <vector>

#include "common/result.hpp"
#include "protocol/message.hpp"
#include "session/token.hpp"

namespace guidechat::cli {

// Prints parts as plain text: answers and outcomes with the section they
// come from, asks with numbered options, summaries as a list.
void print_parts(const std::vector<protocol::Part>& parts);

// The sealer for GUIDECHAT_SESSION_KEY, or a random one when it is unset.
Result<session::TokenSealer> sealer_from_env();

}  // namespace guidechat::cli
