// One accepted TCP connection speaking HTTP/1.1. Counts against the
// connection limits from the moment it is accepted (a connection over them
// gets 429 to its first request, then a close). Reads requests (bounded
// header and body; the handshake timeout for the first, the shorter
// keep-alive idle time for the next ones, at most
// limits::kMaxRequestsPerConnection), answers plain requests through
// HttpRouter, and hands a WebSocket upgrade of /ws - after the Origin check
// and the per-address limit of the client a trusted proxy names - with its
// connection slot to a WebSocketSession.
//
// Thread-safety: all work runs on the socket's executor: the connection's
// strand, or the io_context itself when one thread runs the server; shutdown()
// may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "server/connection_limiter.hpp"
#include "server/http_router.hpp"
#include "server/session_registry.hpp"
#include "server/shared_state.hpp"

namespace guidechat::server {

// Whether `key` is a valid Sec-WebSocket-Key: 16 bytes in base64 (RFC 6455).
bool valid_websocket_key(std::string_view key);

class HttpSession : public Closable, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<SharedState> state);
  ~HttpSession() override;

  void run();
  void shutdown() override;

 private:
  void acquire_slot();
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);
  void upgrade(HttpRequest req);
  void send(HttpResponse res);
  void do_close();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<SharedState> state_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<HttpResponse> response_;  // kept alive during async_write
  ConnectionLimiter::Ticket ticket_;        // invalid: over a limit, refused
  std::string peer_ip_;
  std::size_t requests_ = 0;  // read on this connection
  std::uint64_t registry_id_ = 0;
};

}  // namespace guidechat::server
