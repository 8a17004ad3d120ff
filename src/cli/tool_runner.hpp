// Runs a conversion tool (pandoc, pdftotext) for `guidechat import`: no
// shell, an argv array given to posix_spawnp; its stdout read through a pipe
// up to a bound, its stderr kept for the message; killed at a deadline. A
// tool that is not installed, fails, overruns or is killed is an error
// naming the Debian package that provides it.
//
// Thread-safety: each call waits for its own child only; safe from one
// thread at a time (it does not touch SIGCHLD or other processes).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace guidechat::cli {

struct ToolCall {
  std::vector<std::string> argv;  // argv[0] is looked up on PATH
  std::string package;            // the Debian package that provides it
  std::chrono::milliseconds timeout{0};
  std::size_t max_output = 0;  // bytes of stdout before the tool is stopped
};

// The tool's stdout when it exits 0.
Result<std::string> run_tool(const ToolCall& call);

}  // namespace guidechat::cli
