// The server under test as a child process of the load generator: started
// from a command line whose "{port}" is replaced by a free loopback port,
// polled until it is ready (GET /healthz answers 200, or the port accepts a
// TCP connection), measured through /proc (resident memory, CPU time) and
// stopped with SIGTERM (SIGKILL if it lingers). Also measures cold start:
// process start to ready, as the median of several starts.
//
// Thread-safety: one owner; the /proc readers may be called from any thread.
#pragma once

#include <sys/types.h>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace guidechat::bench {

enum class Readiness { kHealthz, kTcp };

class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts `argv` ("{port}" replaced by `port`), output appended to `log`.
  Status spawn(std::vector<std::string> argv, std::uint16_t port, const std::string& log);
  // Polls until ready; returns how long it took since spawn().
  Result<std::chrono::nanoseconds> wait_ready(Readiness how, std::chrono::milliseconds timeout);
  // SIGTERM, then SIGKILL after a grace period; reaps the child.
  void stop();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::int64_t started_ns_ = 0;
};

// A loopback TCP port nothing listens on right now.
Result<std::uint16_t> free_port();

// Resident set (VmRSS) and its peak (VmHWM) of a process, in KiB; 0 when unknown.
std::int64_t rss_kib(pid_t pid);
std::int64_t peak_rss_kib(pid_t pid);
// User+system CPU time of a process (all threads), in microseconds.
std::int64_t cpu_us(pid_t pid);
// Time the process's threads spent runnable but waiting for a CPU (the
// scheduler's run delay, summed over threads), in microseconds: shows when
// other work on the machine, not the server, set the pace.
std::int64_t run_delay_us(pid_t pid);

}  // namespace guidechat::bench
