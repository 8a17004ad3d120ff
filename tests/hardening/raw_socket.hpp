// Plain POSIX sockets for the hostile-client tests, where thousands of
// connections must stay cheap and a client must be able to misbehave at the
// byte level: half-sent HTTP requests, a tiny receive buffer, never reading,
// vanishing without a close frame.
//
// Thread-safety: free functions; a RawSocket is owned by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace guidechat::hardening {

class RawSocket {
 public:
  RawSocket() = default;
  explicit RawSocket(int fd) : fd_(fd) {}
  RawSocket(RawSocket&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  RawSocket& operator=(RawSocket&& o) noexcept;
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;
  ~RawSocket() { close(); }

  // A blocking TCP connection to 127.0.0.1:port from `bind_ip` (any when
  // empty); `rcvbuf` > 0 shrinks the receive buffer first, `mss` > 0 the
  // segment size announced to the server (as on a small-MTU link). Sends
  // time out after 2 s. Invalid (fd() < 0) on failure.
  static RawSocket connect(std::uint16_t port, const std::string& bind_ip = {}, int rcvbuf = 0,
                           int mss = 0);

  int fd() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Writes everything (MSG_NOSIGNAL); false on error or timeout.
  bool send_all(std::string_view data);
  // Writes what the send buffer takes now, without waiting, and removes it
  // from `pending`; false only on an error (the peer is gone).
  bool send_some(std::string* pending);
  // Sends the upgrade request and reads the response head; true on 101.
  // The welcome frame that follows is left unread.
  bool websocket_handshake(std::uint16_t port);
  // True once the peer closed or reset the connection (even with data
  // still unread on our side).
  bool peer_closed() const;
  // Closes with a TCP reset instead of a FIN (SO_LINGER 0).
  void reset();
  void close();

 private:
  int fd_ = -1;
};

// GET `path` over a fresh connection; the response body ("" on failure).
std::string http_get(std::uint16_t port, const std::string& path);

// A masked client-to-server WebSocket frame (RFC 6455 5.2), FIN set.
std::string client_frame(std::string_view payload, std::uint8_t opcode = 0x1);

}  // namespace guidechat::hardening
