// The message budget of each client address, shared by all its connections:
// a token bucket per address (limit_key(): an IPv6 client by its /64), so
// that opening more connections, or reconnecting for a fresh per-connection
// burst, does not buy more of the server's time. A bucket outlives the
// connections that used it; one that has refilled to the full burst is the
// same as none and is forgotten when room is needed.
//
// Thread-safety: try_take() is safe from any thread (one mutex around a
// hash-map lookup and a little arithmetic).
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace guidechat::server {

class AddressBudget {
 public:
  using Clock = std::chrono::steady_clock;

  // `rate` messages per second per address on average, bursts of `burst`;
  // at most `max_addresses` buckets are kept (beyond, after forgetting the
  // full ones, a new address is let through untracked).
  AddressBudget(double rate, double burst, std::size_t max_addresses);

  // Takes one message from `ip`'s budget; false when it is spent.
  bool try_take(std::string_view ip, Clock::time_point now);
  // Addresses with a bucket now.
  std::size_t tracked() const;

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  double refilled(const Bucket& b, Clock::time_point now) const;
  void forget_full(Clock::time_point now);

  const double rate_;
  const double burst_;
  const std::size_t max_addresses_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace guidechat::server
