// Runs a shell command line for the CLI tests: the real `guidechat` binary,
// its stdout captured and its exit code. One helper for every CLI test.
//
// Thread-safety: call from the test thread only (popen).
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

#include <catch2/catch.hpp>

namespace guidechat::testing {

struct Run {
  std::string out;
  std::string err;  // when the caller sent stderr to a file and read it back
  int code = -1;
};

// Single-quotes `s` for sh.
inline std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs `cmd` with sh; stdout captured, the exit code (-1: killed).
inline Run run_shell(const std::string& cmd) {
  Run r;
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::array<char, 4096> buf{};
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace guidechat::testing
