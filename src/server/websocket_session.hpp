// One WebSocket connection at /ws: owns the client's session::Conversation,
// sends `welcome` when the connection opens and exactly one reply or error
// frame per client frame, in order. Enforces the per-connection limits:
// message size (too_large, then close 1009), rate (rate_limited; close 1008
// after repeated abuse), binary frames (bad_message), and a bounded write
// queue (a client that does not read its replies is dropped). Idle peers are
// pinged and dropped by Beast's suggested server timeouts. On shutdown the
// messages already received are answered before the 1001 close.
//
// Thread-safety: all work runs on the socket's executor: the connection's
// strand, or the io_context itself when one thread runs the server; shutdown()
// may be called from any thread.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include "server/connection_limiter.hpp"
#include "server/http_router.hpp"
#include "server/rate_limiter.hpp"
#include "server/session_registry.hpp"
#include "server/shared_state.hpp"
#include "session/conversation.hpp"

namespace guidechat::server {

// Whether a close frame may carry `code` (RFC 6455 7.4; 0: no code).
bool valid_close_code(std::uint16_t code);

class WebSocketSession : public Closable, public std::enable_shared_from_this<WebSocketSession> {
 public:
  WebSocketSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<SharedState> state,
                   ConnectionLimiter::Ticket ticket, std::string peer_ip);
  ~WebSocketSession() override;

  // Completes the handshake of the upgrade request `req`.
  void run(HttpRequest req);
  void shutdown() override;

 private:
  // Shutdown: answers the messages already received, then closes 1001.
  void start_drain();
  void arm_drain_timer();
  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_message();
  // Starts the read that on_read left to the reply's write, once.
  void resume_read();
  void send(std::string frame);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  // Closes with `code` once every queued frame is written.
  void close_after_writes(boost::beast::websocket::close_code code);
  void do_close();
  void on_close(boost::beast::error_code ec);
  // A close frame arrived: fails the connection when its code is one RFC
  // 6455 does not allow on the wire.
  void on_close_frame();
  void drop(std::string_view why);
  void fail(boost::beast::error_code ec, std::string_view what);

  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<SharedState> state_;
  ConnectionLimiter::Ticket ticket_;
  std::string peer_ip_;
  session::Conversation conversation_;
  RateLimiter rate_;
  std::deque<std::string> queue_;
  boost::asio::steady_timer drain_timer_;  // ends the shutdown's read window
  std::optional<boost::beast::websocket::close_code> close_code_;  // close pending
  bool accepted_ = false;
  bool draining_ = false;  // shutting down: answering what has arrived
  bool closing_ = false;   // async_close started
  bool reading_ = true;    // the read loop goes on
  bool message_binary_ = false;
  bool message_started_ = false;
  bool read_after_write_ = false;  // on_read left the next read to resume_read
  std::size_t strikes_ = 0;        // consecutive rate-limited messages
  std::uint64_t turns_ = 0;
  std::uint64_t registry_id_ = 0;
  std::chrono::steady_clock::time_point opened_;
};

}  // namespace guidechat::server
