#include "server/connection_limiter.hpp"

namespace guidechat::server {

ConnectionLimiter::Ticket& ConnectionLimiter::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::move(other.owner_);
    ip_ = std::move(other.ip_);
  }
  return *this;
}

ConnectionLimiter::Ticket::~Ticket() {
  release();
}

void ConnectionLimiter::Ticket::release() {
  if (owner_) owner_->release(ip_);
  owner_.reset();
}

std::shared_ptr<ConnectionLimiter> ConnectionLimiter::create(std::size_t max_total,
                                                             std::size_t max_per_ip) {
  return std::shared_ptr<ConnectionLimiter>(new ConnectionLimiter(max_total, max_per_ip));
}

std::optional<ConnectionLimiter::Ticket> ConnectionLimiter::try_acquire(const std::string& ip) {
  {
    std::lock_guard lock(mutex_);
    if (total_ >= max_total_) return std::nullopt;
    auto& count = per_ip_[ip];
    if (count >= max_per_ip_) {
      if (count == 0) per_ip_.erase(ip);
      return std::nullopt;
    }
    ++count;
    ++total_;
  }
  return Ticket(shared_from_this(), ip);
}

std::size_t ConnectionLimiter::open() const {
  std::lock_guard lock(mutex_);
  return total_;
}

void ConnectionLimiter::release(const std::string& ip) {
  std::lock_guard lock(mutex_);
  auto it = per_ip_.find(ip);
  if (it == per_ip_.end()) return;
  --total_;
  if (--it->second == 0) per_ip_.erase(it);
}

}  // namespace guidechat::server
