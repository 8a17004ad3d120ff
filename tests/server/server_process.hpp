// Runs the real `guidechat serve` binary as a child process for integration
// tests: on a free port (--port 0, read back from the "ready" log line),
// with a fixed session key unless told otherwise, collecting its JSON log
// lines from stderr.
//
// Thread-safety: one owner thread; logs() is safe while the reader runs.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace guidechat::testing {

inline constexpr const char* kTestSessionKey =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

class ServerProcess {
 public:
  struct Options {
    std::vector<std::string> args;              // extra arguments after `serve --port 0`
    std::string session_key = kTestSessionKey;  // empty: none (random key)
    std::vector<std::string> env;               // extra NAME=VALUE
    // Called with the child's pid right after fork, before the constructor
    // waits for "ready" (to act on a server that is still starting).
    std::function<void(pid_t)> on_started;
  };

  explicit ServerProcess(const Options& options);
  // With extra arguments and the fixed test key.
  static Options with(std::vector<std::string> args, std::string key = kTestSessionKey) {
    Options o;
    o.args = std::move(args);
    o.session_key = std::move(key);
    return o;
  }
  ServerProcess() : ServerProcess(Options{}) {}
  ~ServerProcess();

  bool ready() const { return port_ != 0; }
  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  // Sends `signal`; then wait() for the exit.
  void signal(int signal);
  // The exit status (the exit code, or 128+signal), or -1 on timeout.
  int wait(std::chrono::milliseconds timeout);
  // Every stderr line so far.
  std::vector<std::string> logs() const;
  // How long from fork to the "ready" log line.
  std::chrono::milliseconds startup() const { return startup_; }

 private:
  void read_stderr(int fd);

  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  bool eof_ = false;     // stderr closed
  bool reaped_ = false;  // waitpid done
  std::chrono::milliseconds startup_{0};
  std::thread reader_;
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

}  // namespace guidechat::testing
