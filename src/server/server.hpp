// `guidechat serve`: owns the io_context and its threads (one per core by
// default), the shared state, the listener and the signal handling.
// SIGTERM/SIGINT start a graceful shutdown: stop accepting, let in-flight
// turns finish, close every WebSocket with 1001 "going away", and return
// within limits::kShutdownGrace (a second signal stops at once).
//
// Thread-safety: create() and run() from one thread; everything else
// happens on the io_context threads.
#pragma once

#include <cstdint>
#include <memory>

#include "common/result.hpp"
#include "server/server_options.hpp"

namespace guidechat::server {

class Server {
 public:
  // Loads the content and the key and binds the port; the server does not
  // serve until run().
  static Result<std::unique_ptr<Server>> create(ServerOptions options);
  ~Server();

  // Serves until a shutdown signal; returns the process exit code.
  int run();
  std::uint16_t port() const;

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace guidechat::server
