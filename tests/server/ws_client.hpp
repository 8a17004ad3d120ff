// A small blocking WebSocket/HTTP client over Boost.Beast for the server's
// integration tests (and reusable by load tools): every operation runs the
// client's own io_context with a deadline, so a test can never hang. The
// default deadlines are scaled for sanitized builds (time_scale.hpp).
//
// Thread-safety: one client per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "time_scale.hpp"

namespace guidechat::testing {

using namespace std::chrono_literals;

struct HttpReply {
  int status = 0;                              // 0: no response (connection failed or timed out)
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
  std::string error;
};

// One HTTP/1.1 request on a fresh connection.
HttpReply http_request(std::uint16_t port, std::string_view method, std::string_view target,
                       const std::map<std::string, std::string>& headers = {},
                       std::chrono::milliseconds timeout = scaled(5s));

class WsClient {
 public:
  struct Options {
    std::string target = "/ws";
    std::string origin;  // empty: no Origin header
    std::chrono::milliseconds timeout = scaled(5s);
  };

  // Connects and completes the handshake. On failure returns nullptr and,
  // when the server answered with HTTP instead of upgrading, its status in
  // *refused_status.
  static std::unique_ptr<WsClient> connect(std::uint16_t port, const Options& options,
                                           int* refused_status = nullptr,
                                           std::string* error = nullptr);
  static std::unique_ptr<WsClient> connect(std::uint16_t port) { return connect(port, Options{}); }
  // Connects and reads the server's first frame: nullptr unless it is the
  // welcome (what nearly every conversation test starts with).
  static std::unique_ptr<WsClient> connect_welcomed(std::uint16_t port);

  bool send(std::string_view text);
  bool send_binary(std::string_view bytes);
  bool send_json(const nlohmann::json& message) { return send(message.dump()); }
  // The next text frame; nullopt on close, error or timeout (see closed()).
  std::optional<std::string> receive(std::chrono::milliseconds timeout = scaled(5s));
  // The next frame parsed as JSON; a null json on failure.
  nlohmann::json receive_json(std::chrono::milliseconds timeout = scaled(5s));
  // Sends a close frame and waits for the server's.
  bool close(
      boost::beast::websocket::close_code code = boost::beast::websocket::close_code::normal);

  bool closed() const { return closed_; }
  // The close frame the server sent (code 0 when none was received).
  std::uint16_t close_code() const { return close_code_; }
  const std::string& last_error() const { return error_; }

 private:
  WsClient();
  template <typename Start>
  boost::beast::error_code run(std::chrono::milliseconds timeout, Start start);

  boost::asio::io_context ioc_;
  boost::beast::websocket::stream<boost::beast::tcp_stream> ws_;
  boost::beast::flat_buffer buffer_;
  bool closed_ = false;
  std::uint16_t close_code_ = 0;
  std::string error_;
};

}  // namespace guidechat::testing
