// Counts open WebSocket connections, overall and per client IP, so that the
// handshake can be refused (503) before a connection costs anything more.
// A Ticket is held for the life of a connection and gives its slot back.
//
// Thread-safety: all methods are safe from any thread (one mutex; the
// critical sections are a few map operations).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace guidechat::server {

class ConnectionLimiter : public std::enable_shared_from_this<ConnectionLimiter> {
 public:
  // Move-only; releases its slot when destroyed.
  class Ticket {
   public:
    Ticket() = default;
    Ticket(Ticket&&) noexcept = default;
    Ticket& operator=(Ticket&&) noexcept;
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;
    ~Ticket();

   private:
    friend class ConnectionLimiter;
    Ticket(std::shared_ptr<ConnectionLimiter> owner, std::string ip)
        : owner_(std::move(owner)), ip_(std::move(ip)) {}
    void release();
    std::shared_ptr<ConnectionLimiter> owner_;
    std::string ip_;
  };

  static std::shared_ptr<ConnectionLimiter> create(std::size_t max_total, std::size_t max_per_ip);

  // A ticket, or nullopt when either limit is reached.
  std::optional<Ticket> try_acquire(const std::string& ip);
  std::size_t open() const;

 private:
  ConnectionLimiter(std::size_t max_total, std::size_t max_per_ip)
      : max_total_(max_total), max_per_ip_(max_per_ip) {}
  void release(const std::string& ip);

  const std::size_t max_total_;
  const std::size_t max_per_ip_;
  mutable std::mutex mutex_;
  std::size_t total_ = 0;
  std::unordered_map<std::string, std::size_t> per_ip_;
};

}  // namespace guidechat::server
