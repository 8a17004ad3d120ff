// The real `guidechat serve` as a child process, for the hardening tests:
// started on a free port (--port 0; the port is read from the JSON "ready"
// log line), its log captured to a file so tests can check what it wrote,
// and its resident memory and open file descriptors read from /proc.
//
// Thread-safety: one owner thread; rss_kib(), fd_count() and log() only read
// /proc and the log file and may be called from any thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "time_scale.hpp"

namespace guidechat::hardening {

class ServerProcess {
 public:
  struct Options {
    std::vector<std::string> args;           // after `serve --port 0`
    std::map<std::string, std::string> env;  // added to the environment
    std::chrono::milliseconds ready_timeout = testing::scaled(std::chrono::milliseconds(15000));
    long max_fds = 0;  // > 0: the server's open-file limit (RLIMIT_NOFILE)
  };

  // Starts the server and waits for its "ready" line.
  static Result<std::unique_ptr<ServerProcess>> start(const Options& options);
  ~ServerProcess();  // stop()
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  // False once the process has exited (reaps it).
  bool alive();
  // SIGTERM, then SIGKILL after `grace`; the exit status (128+signal when
  // killed by one), or -1 when it was already reaped.
  int stop(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));

  std::int64_t rss_kib() const;
  // User + system CPU time the server has used so far.
  std::chrono::milliseconds cpu_time() const;
  int fd_count() const;
  // Everything the server has logged so far.
  std::string log() const;

 private:
  ServerProcess() = default;
  pid_t pid_ = -1;
  int status_ = -1;
  std::uint16_t port_ = 0;
  std::string log_path_;
};

// The server binary under test (set by CMake; GUIDECHAT_BIN overrides).
std::string server_binary();

// Raises this process's open-file limit to its hard limit (children inherit
// it); returns the new soft limit.
std::size_t raise_fd_limit();

}  // namespace guidechat::hardening
