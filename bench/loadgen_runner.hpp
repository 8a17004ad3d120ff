// Runs one load shape against a server: spreads the connections over the
// worker threads, waits until all are connected, lets them talk through a
// warm-up and the measured window (or sit idle), drains the answers still
// due, and reports the merged Stats with the server's memory and CPU.
//
// Thread-safety: run() blocks the calling thread; one run at a time.
#pragma once

#include <sys/types.h>
#include <cstdint>

#include "common/result.hpp"
#include "loadgen_config.hpp"
#include "loadgen_stats.hpp"

namespace guidechat::bench {

struct Report {
  Stats stats;
  std::size_t connected = 0;
  double seconds = 0.0;             // the measured window
  double connect_seconds = 0.0;     // time to open every connection
  std::int64_t rss_before_kib = 0;  // before the first connection
  std::int64_t rss_after_kib = 0;   // all connections open, after the window
  std::int64_t peak_rss_kib = 0;
  std::int64_t server_cpu_us = 0;   // spent by the server in the measured window
  std::int64_t server_wait_us = 0;  // the server runnable but without a CPU, same window
  std::int64_t client_cpu_us = 0;   // spent by this process in the measured window
};

// `server_pid` <= 0: no /proc figures.
Result<Report> run_load(const RunConfig& config, pid_t server_pid);

}  // namespace guidechat::bench
