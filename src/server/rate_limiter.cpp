#include "server/rate_limiter.hpp"

#include <algorithm>

namespace guidechat::server {

RateLimiter::RateLimiter(double rate, double burst, Clock::time_point now)
    : rate_(std::max(rate, 0.0)), burst_(std::max(burst, 1.0)), tokens_(burst_), last_(now) {}

bool RateLimiter::try_take(Clock::time_point now) {
  if (now > last_) {
    double elapsed = std::chrono::duration<double>(now - last_).count();
    tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
    last_ = now;
  }
  if (tokens_ < 1.0) return false;
  tokens_ -= 1.0;
  return true;
}

}  // namespace guidechat::server
