#include "server/connection_limiter.hpp"

#include <boost/asio/ip/address.hpp>

namespace guidechat::server {

namespace net = boost::asio;

std::string limit_key(std::string_view ip) {
  boost::system::error_code ec;
  auto address = net::ip::make_address(std::string(ip), ec);
  if (ec || !address.is_v6()) return std::string(ip);
  auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) return net::ip::make_address_v4(net::ip::v4_mapped, v6).to_string();
  auto bytes = v6.to_bytes();
  for (std::size_t i = 8; i < bytes.size(); ++i) bytes[i] = 0;
  return net::ip::address_v6(bytes).to_string() + "/64";
}

ConnectionLimiter::Ticket& ConnectionLimiter::Ticket::operator=(Ticket&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::move(other.owner_);
    key_ = std::move(other.key_);
  }
  return *this;
}

ConnectionLimiter::Ticket::~Ticket() {
  release();
}

void ConnectionLimiter::Ticket::release() {
  if (owner_) owner_->release(key_);
  owner_.reset();
}

std::shared_ptr<ConnectionLimiter> ConnectionLimiter::create(std::size_t max_total,
                                                             std::size_t max_per_ip) {
  return std::shared_ptr<ConnectionLimiter>(new ConnectionLimiter(max_total, max_per_ip));
}

std::optional<ConnectionLimiter::Ticket> ConnectionLimiter::try_acquire(std::string_view ip) {
  std::string key = limit_key(ip);
  {
    std::lock_guard lock(mutex_);
    if (total_ >= max_total_) return std::nullopt;
    auto& count = per_ip_[key];
    if (count >= max_per_ip_) {
      if (count == 0) per_ip_.erase(key);
      return std::nullopt;
    }
    ++count;
    ++total_;
  }
  return Ticket(shared_from_this(), std::move(key));
}

std::optional<ConnectionLimiter::Ticket> ConnectionLimiter::try_acquire_total() {
  {
    std::lock_guard lock(mutex_);
    if (total_ >= max_total_) return std::nullopt;
    ++total_;
  }
  return Ticket(shared_from_this(), std::string());
}

bool ConnectionLimiter::attach(Ticket& ticket, std::string_view ip) {
  if (ticket.owner_.get() != this) return false;
  std::string key = limit_key(ip);
  if (key == ticket.key_) return true;
  std::lock_guard lock(mutex_);
  auto& count = per_ip_[key];
  if (count >= max_per_ip_) {
    if (count == 0) per_ip_.erase(key);
    return false;
  }
  ++count;
  release_key_locked(ticket.key_);
  ticket.key_ = std::move(key);
  return true;
}

std::size_t ConnectionLimiter::open() const {
  std::lock_guard lock(mutex_);
  return total_;
}

std::size_t ConnectionLimiter::open_from(std::string_view ip) const {
  std::string key = limit_key(ip);
  std::lock_guard lock(mutex_);
  auto it = per_ip_.find(key);
  return it == per_ip_.end() ? 0 : it->second;
}

void ConnectionLimiter::release(const std::string& key) {
  std::lock_guard lock(mutex_);
  --total_;
  release_key_locked(key);
}

void ConnectionLimiter::release_key_locked(const std::string& key) {
  if (key.empty()) return;
  auto it = per_ip_.find(key);
  if (it == per_ip_.end()) return;
  if (--it->second == 0) per_ip_.erase(it);
}

}  // namespace guidechat::server
