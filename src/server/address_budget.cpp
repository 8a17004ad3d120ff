#include "server/address_budget.hpp"

#include <algorithm>

#include "server/connection_limiter.hpp"

namespace guidechat::server {

AddressBudget::AddressBudget(double rate, double burst, std::size_t max_addresses)
    : rate_(std::max(rate, 0.0)), burst_(std::max(burst, 1.0)), max_addresses_(max_addresses) {}

double AddressBudget::refilled(const Bucket& b, Clock::time_point now) const {
  if (now <= b.last) return b.tokens;
  const double elapsed = std::chrono::duration<double>(now - b.last).count();
  return std::min(burst_, b.tokens + elapsed * rate_);
}

void AddressBudget::forget_full(Clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (refilled(it->second, now) >= burst_) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
}

bool AddressBudget::try_take(std::string_view ip, Clock::time_point now) {
  std::string key = limit_key(ip);
  std::lock_guard lock(mutex_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_addresses_) forget_full(now);
    if (buckets_.size() >= max_addresses_) return true;  // untracked: per-connection limits only
    it = buckets_.emplace(std::move(key), Bucket{burst_, now}).first;
  }
  Bucket& b = it->second;
  b.tokens = refilled(b, now);
  b.last = std::max(b.last, now);
  if (b.tokens < 1.0) return false;
  b.tokens -= 1.0;
  return true;
}

std::size_t AddressBudget::tracked() const {
  std::lock_guard lock(mutex_);
  return buckets_.size();
}

}  // namespace guidechat::server
