// The settings of one load-generator run and the measured window shared by
// its threads.
//
// Thread-safety: RunConfig is read-only once the run starts; Window's fields
// are atomics written by the main thread and read by every worker.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

namespace guidechat::bench {

enum class Shape {
  kClosed,  // think time 0: the next turn leaves as soon as the reply is in
  kPaced,   // one turn per think time, jittered 0.5-1.5x
  kIdle,    // connect, take the welcome, send nothing
};

struct RunConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  std::string path = "/ws";
  std::size_t connections = 1;
  unsigned threads = 1;
  Shape shape = Shape::kClosed;
  std::chrono::milliseconds think{1000};
  std::chrono::milliseconds warmup{1000};
  std::chrono::milliseconds duration{5000};
  std::chrono::milliseconds drain{3000};
  std::chrono::milliseconds connect_timeout{60000};
  std::size_t max_connecting = 64;  // handshakes in flight per thread
};

// Nanoseconds of the steady clock.
inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Only replies received in [begin, end) count towards turns/s and latency.
struct Window {
  std::atomic<std::int64_t> begin{std::numeric_limits<std::int64_t>::max()};
  std::atomic<std::int64_t> end{std::numeric_limits<std::int64_t>::max()};

  bool contains(std::int64_t t) const {
    return t >= begin.load(std::memory_order_relaxed) && t < end.load(std::memory_order_relaxed);
  }
};

}  // namespace guidechat::bench
