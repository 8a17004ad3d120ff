// The open connections (HTTP and WebSocket), so that a graceful shutdown can
// ask each one to close: WebSockets with 1001 "going away" once their queued
// replies are written, idle HTTP keep-alive connections at once.
//
// Thread-safety: all methods are safe from any thread. shutdown() is called
// on each connection without the lock held; connections post it to their
// own strand.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace guidechat::server {

class Closable {
 public:
  virtual ~Closable() = default;
  // Called from any thread: begin closing (the connection posts to its strand).
  virtual void shutdown() = 0;
};

class SessionRegistry {
 public:
  std::uint64_t add(std::weak_ptr<Closable> connection);
  void remove(std::uint64_t id);
  std::size_t size() const;
  void shutdown_all();

 private:
  mutable std::mutex mutex_;
  std::uint64_t next_ = 1;
  std::unordered_map<std::uint64_t, std::weak_ptr<Closable>> open_;
};

}  // namespace guidechat::server
