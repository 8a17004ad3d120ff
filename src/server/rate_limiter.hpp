// A token bucket: `rate` messages per second on average, bursts of up to
// `burst`. One per WebSocket connection.
//
// Thread-safety: none; used from its connection's strand only.
#pragma once

#include <chrono>

namespace guidechat::server {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimiter(double rate, double burst, Clock::time_point now);

  // Takes one token; false when the bucket is empty (the message is refused).
  bool try_take(Clock::time_point now);

 private:
  double rate_;
  double burst_;
  double tokens_;
  Clock::time_point last_;
};

}  // namespace guidechat::server
