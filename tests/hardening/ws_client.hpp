// A WebSocket test client (Boost.Beast) for the hardening suite: blocking
// calls with a timeout each, and the low-level moves a hostile client makes
// that a well-behaved client library would not (binary frames, raw
// fragments, ping floods, frames past every limit, a chosen source address
// to spread connections over per-IP limits).
//
// Thread-safety: none; one client per thread (each has its own io_context).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "time_scale.hpp"

namespace guidechat::hardening {

// What one read brought.
struct Frame {
  enum class Kind { kText, kBinary, kClosed, kTimeout, kError };
  Kind kind = Kind::kError;
  std::string data;    // the message (text/binary)
  int close_code = 0;  // kClosed: the code of the server's close frame
  std::string error;   // kError: why

  bool is_message() const { return kind == Kind::kText || kind == Kind::kBinary; }
  // The text message as JSON (discarded when it is not a JSON text frame).
  nlohmann::json json() const;
};

class WsClient {
 public:
  struct Options {
    std::string bind_ip;  // source address, e.g. 127.0.0.7; empty: any
    std::string target = "/ws";
    std::string origin;  // Origin header; empty: none sent
    std::string host;    // Host header; empty: 127.0.0.1:port
    std::chrono::milliseconds timeout = testing::scaled(std::chrono::milliseconds(5000));
  };

  // Connects, completes the handshake and reads the welcome frame. nullptr
  // on failure; `http_status` gets the status of a refused handshake (0 when
  // there was none) and `error` what went wrong.
  static std::unique_ptr<WsClient> connect(std::uint16_t port, const Options& options,
                                           int* http_status = nullptr,
                                           std::string* error = nullptr);
  static std::unique_ptr<WsClient> connect(std::uint16_t port) { return connect(port, Options{}); }
  ~WsClient();

  const nlohmann::json& welcome() const { return welcome_; }

  bool send_text(std::string_view data);
  bool send_binary(std::string_view data);
  // One message in several frames (continuations), optionally with a ping
  // between each fragment (control frames may interleave, RFC 6455 5.4).
  bool send_fragments(const std::vector<std::string>& pieces, bool binary = false,
                      bool ping_between = false);
  bool ping(std::string_view payload = {});
  Frame read();
  Frame read(std::chrono::milliseconds timeout);
  // send_text(message.dump()) and read().json().
  nlohmann::json request(const nlohmann::json& message);
  // The newest session token seen in a welcome or reply.
  const std::string& session() const { return session_; }
  // Closes the connection with a close frame (best effort).
  void close();

 private:
  WsClient();
  struct Impl;
  std::unique_ptr<Impl> impl_;
  Options options_;
  nlohmann::json welcome_;
  std::string session_;
};

// Opens a fresh connection and asks one question; true when a `reply` came
// back. `latency` (optional) gets the time from sending `say` to the reply.
bool fresh_client_answered(std::uint16_t port, std::chrono::microseconds* latency = nullptr,
                           const std::string& bind_ip = {});

}  // namespace guidechat::hardening
