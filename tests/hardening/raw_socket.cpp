#include "raw_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>

namespace guidechat::hardening {

RawSocket& RawSocket::operator=(RawSocket&& o) noexcept {
  if (this != &o) {
    close();
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

RawSocket RawSocket::connect(std::uint16_t port, const std::string& bind_ip, int rcvbuf, int mss) {
  RawSocket s(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!s.valid()) return s;
  if (rcvbuf > 0) ::setsockopt(s.fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  if (mss > 0) ::setsockopt(s.fd_, IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss);
  timeval tv{2, 0};
  ::setsockopt(s.fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  ::setsockopt(s.fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  if (!bind_ip.empty()) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, bind_ip.c_str(), &local.sin_addr);
    if (::bind(s.fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) return RawSocket();
  }
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &server.sin_addr);
  if (::connect(s.fd_, reinterpret_cast<sockaddr*>(&server), sizeof server) != 0) {
    return RawSocket();
  }
  return s;
}

bool RawSocket::send_all(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

bool RawSocket::send_some(std::string* pending) {
  while (!pending->empty()) {
    ssize_t n = ::send(fd_, pending->data(), pending->size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (n <= 0) return false;
    pending->erase(0, static_cast<std::size_t>(n));
  }
  return true;
}

bool RawSocket::websocket_handshake(std::uint16_t port) {
  const std::string req = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                          "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Version: 13\r\n\r\n";
  if (!send_all(req)) return false;
  // Read the response head byte by byte so the welcome frame stays unread.
  std::string head;
  char c;
  while (head.size() < 4096 && head.find("\r\n\r\n") == std::string::npos) {
    ssize_t n = ::recv(fd_, &c, 1, 0);
    if (n <= 0) return false;
    head.push_back(c);
  }
  return head.starts_with("HTTP/1.1 101");
}

bool RawSocket::peer_closed() const {
  pollfd p{fd_, POLLRDHUP, 0};
  if (::poll(&p, 1, 0) < 0) return false;
  return (p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
}

void RawSocket::reset() {
  if (fd_ < 0) return;
  linger l{1, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  close();
}

void RawSocket::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

std::string http_get(std::uint16_t port, const std::string& path) {
  RawSocket s = RawSocket::connect(port);
  if (!s.valid()) return {};
  if (!s.send_all("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")) {
    return {};
  }
  std::string response;
  char buf[4096];
  ssize_t n;
  while ((n = ::recv(s.fd(), buf, sizeof buf, 0)) > 0)
    response.append(buf, static_cast<std::size_t>(n));
  auto body = response.find("\r\n\r\n");
  return body == std::string::npos ? std::string() : response.substr(body + 4);
}

std::string client_frame(std::string_view payload, std::uint8_t opcode) {
  std::string f;
  f.push_back(static_cast<char>(0x80 | opcode));
  const std::size_t n = payload.size();
  if (n < 126) {
    f.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xFFFF) {
    f.push_back(static_cast<char>(0x80 | 126));
    f.push_back(static_cast<char>(n >> 8));
    f.push_back(static_cast<char>(n & 0xFF));
  } else {
    f.push_back(static_cast<char>(0x80 | 127));
    for (int i = 7; i >= 0; --i) f.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
  }
  const char mask[4] = {0x1b, 0x2c, 0x3d, 0x4e};
  f.append(mask, 4);
  for (std::size_t i = 0; i < n; ++i) f.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
  return f;
}

}  // namespace guidechat::hardening
