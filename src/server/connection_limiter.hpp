// Counts open connections - plain HTTP (keep-alive) and WebSocket alike -
// overall and per client address, so that a connection over a limit is
// refused (429) before it costs anything more. A Ticket is held for the
// life of a connection and gives its slot back; an HTTP connection's ticket
// passes to the WebSocket it is upgraded to.
//
// Addresses are counted by limit_key(): an IPv4 address as it is, an IPv6
// address by its /64 (one subscriber's network: a single machine can use
// any of its 2^64 addresses).
//
// A connection from a trusted proxy (nginx) counts towards the total only
// until its request names the client (attach()): the proxy carries many
// clients' requests over its own connections.
//
// Thread-safety: all methods are safe from any thread (one mutex; the
// critical sections are a few map operations). A Ticket is used by one
// connection at a time.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace guidechat::server {

// The per-address key of `ip`: IPv4 unchanged, IPv6 as "prefix::/64";
// anything unparsable unchanged.
std::string limit_key(std::string_view ip);

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

    bool valid() const { return owner_ != nullptr; }
    // The per-address key it counts against ("" for the total only).
    const std::string& key() const { return key_; }

   private:
    friend class ConnectionLimiter;
    Ticket(std::shared_ptr<ConnectionLimiter> owner, std::string key)
        : owner_(std::move(owner)), key_(std::move(key)) {}
    void release();
    std::shared_ptr<ConnectionLimiter> owner_;
    std::string key_;
  };

  static std::shared_ptr<ConnectionLimiter> create(std::size_t max_total, std::size_t max_per_ip);

  // A ticket for a connection from `ip`, or nullopt when either limit is
  // reached.
  std::optional<Ticket> try_acquire(std::string_view ip);
  // A ticket that counts towards the total only (a trusted proxy's
  // connection), or nullopt when the total is reached.
  std::optional<Ticket> try_acquire_total();
  // Makes `ticket` count against `ip` instead of what it counted against
  // before; false (and `ticket` unchanged) when `ip` is at its limit.
  bool attach(Ticket& ticket, std::string_view ip);

  std::size_t open() const;
  // Connections counted against `ip`'s key.
  std::size_t open_from(std::string_view ip) const;

 private:
  ConnectionLimiter(std::size_t max_total, std::size_t max_per_ip)
      : max_total_(max_total), max_per_ip_(max_per_ip) {}
  void release(const std::string& key);
  void release_key_locked(const std::string& key);

  const std::size_t max_total_;
  const std::size_t max_per_ip_;
  mutable std::mutex mutex_;
  std::size_t total_ = 0;
  std::unordered_map<std::string, std::size_t> per_ip_;
};

}  // namespace guidechat::server
