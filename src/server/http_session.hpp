// One accepted TCP connection speaking HTTP/1.1. Reads requests (bounded
// header and body, handshake timeout), answers plain requests through
// HttpRouter, and hands a WebSocket upgrade of /ws - after the Origin check
// and the connection limits - to a WebSocketSession.
//
// Thread-safety: all work runs on the socket's executor: the connection's
// strand, or the io_context itself when one thread runs the server; shutdown()
// may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "server/http_router.hpp"
#include "server/session_registry.hpp"
#include "server/shared_state.hpp"

namespace guidechat::server {

class HttpSession : public Closable, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<SharedState> state);
  ~HttpSession() override;

  void run();
  void shutdown() override;

 private:
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
  std::string peer_ip_;
  std::uint64_t registry_id_ = 0;
};

}  // namespace guidechat::server
