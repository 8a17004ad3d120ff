// Hostile or careless clients: oversize messages, floods, foreign origins,
// too many connections. Each is refused with the documented error or HTTP
// status, and the server stays healthy.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include "server_process.hpp"
#include "time_scale.hpp"
#include "ws_client.hpp"

using namespace guidechat::testing;
using nlohmann::json;

TEST_CASE("an oversize message gets too_large, then close 1009", "[server][limits]") {
  ServerProcess server(ServerProcess::with({"--max-message-bytes", "1024"}));
  REQUIRE(server.ready());
  auto ws = WsClient::connect_welcomed(server.port());
  REQUIRE(ws);

  SECTION("just over the limit") {
    REQUIRE(ws->send(json{{"type", "say"}, {"text", std::string(1100, 'x')}}.dump()));
  }
  SECTION("far over the limit, in one frame") {
    ws->send(std::string(200 * 1024, ' '));  // the server may close before reading it all
  }
  json e = ws->receive_json();
  REQUIRE(e["type"] == "error");
  CHECK(e["code"] == "too_large");
  CHECK(!ws->receive());
  CHECK(ws->closed());
  CHECK(ws->close_code() == 1009);

  // The server is fine and counted it.
  auto m = http_request(server.port(), "GET", "/metrics");
  CHECK(m.body.find("guidechat_errors_total{code=\"too_large\"} 1") != std::string::npos);
  auto again = WsClient::connect(server.port());
  REQUIRE(again);
  CHECK(again->receive_json()["type"] == "welcome");
}

TEST_CASE("a flood gets rate_limited, then the connection is closed", "[server][limits]") {
  ServerProcess server(ServerProcess::with({"--rate", "1", "--burst", "3"}));
  REQUIRE(server.ready());
  auto ws = WsClient::connect_welcomed(server.port());
  REQUIRE(ws);
  // The burst passes; the rest is refused; 10 refusals in a row close it.
  for (int i = 0; i < 13; ++i) REQUIRE(ws->send_json({{"type", "summary"}, {"id", i}}));
  int replies = 0, limited = 0;
  for (int i = 0; i < 13; ++i) {
    json r = ws->receive_json();
    if (r.is_null()) break;
    if (r["type"] == "reply") ++replies;
    if (r["type"] == "error" && r["code"] == "rate_limited") ++limited;
  }
  CHECK(replies == 3);
  CHECK(limited == 10);
  CHECK(!ws->receive());
  CHECK(ws->close_code() == 1008);
  auto m = http_request(server.port(), "GET", "/metrics");
  CHECK(m.body.find("guidechat_rate_limited_total 10") != std::string::npos);
}

TEST_CASE("a rate-limited client that slows down is served again", "[server][limits]") {
  // A slow refill (one token per 500 ms), so a loaded machine cannot refill
  // the bucket between the three messages.
  ServerProcess server(ServerProcess::with({"--rate", "2", "--burst", "2"}));
  REQUIRE(server.ready());
  auto ws = WsClient::connect_welcomed(server.port());
  REQUIRE(ws);
  for (int i = 0; i < 3; ++i) REQUIRE(ws->send_json({{"type", "summary"}, {"id", i}}));
  CHECK(ws->receive_json()["type"] == "reply");
  CHECK(ws->receive_json()["type"] == "reply");
  json e = ws->receive_json();
  CHECK(e["code"] == "rate_limited");
  CHECK(e["reply_to"] == 2);  // the refusal answers the refused message
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  REQUIRE(ws->send_json({{"type", "summary"}, {"id", "later"}}));
  CHECK(ws->receive_json()["reply_to"] == "later");
}

TEST_CASE("origin check", "[server][limits]") {
  ServerProcess server(ServerProcess::with({"--allow-origin", "https://clinic.example"}));
  REQUIRE(server.ready());
  auto port = server.port();
  auto with_origin = [&](const std::string& origin, int* status) {
    WsClient::Options o;
    o.origin = origin;
    return WsClient::connect(port, o, status);
  };
  int status = 0;
  CHECK(with_origin("https://evil.example", &status) == nullptr);
  CHECK(status == 403);
  status = 0;
  CHECK(with_origin("null", &status) == nullptr);
  CHECK(status == 403);
  CHECK(with_origin("https://clinic.example", nullptr) != nullptr);
  CHECK(with_origin("HTTPS://Clinic.Example", nullptr) != nullptr);
  CHECK(with_origin("http://127.0.0.1:" + std::to_string(port), nullptr) != nullptr);
  CHECK(with_origin("", nullptr) != nullptr);  // not a browser
  auto m = http_request(port, "GET", "/metrics");
  CHECK(m.body.find("guidechat_handshakes_refused_total{reason=\"origin\"} 2") !=
        std::string::npos);
}

TEST_CASE("with --public-origin, the Host header is not the server's own origin",
          "[server][limits]") {
  // DNS rebinding: a page whose name now points at the replica sends an
  // Origin that matches the Host its browser sends.
  ServerProcess server(ServerProcess::with({"--public-origin", "https://chat.clinic.example"}));
  REQUIRE(server.ready());
  auto port = server.port();
  WsClient::Options o;
  o.origin = "http://127.0.0.1:" + std::to_string(port);
  int status = 0;
  CHECK(WsClient::connect(port, o, &status) == nullptr);
  CHECK(status == 403);
  o.origin = "https://chat.clinic.example";
  CHECK(WsClient::connect(port, o) != nullptr);
}

TEST_CASE("connection limits refuse the handshake with 429 (503 is for shutting down)",
          "[server][limits]") {
  SECTION("per IP") {
    ServerProcess server(ServerProcess::with({"--max-connections-per-ip", "3"}));
    REQUIRE(server.ready());
    std::vector<std::unique_ptr<WsClient>> open;
    for (int i = 0; i < 3; ++i) {
      open.push_back(WsClient::connect(server.port()));
      REQUIRE(open.back());
      REQUIRE(open.back()->receive_json()["type"] == "welcome");
    }
    int status = 0;
    CHECK(WsClient::connect(server.port(), {}, &status) == nullptr);
    CHECK(status == 429);
    // A closed connection gives its slot back.
    open.back()->close();
    open.pop_back();
    std::unique_ptr<WsClient> next;
    CHECK(
        eventually([&] { return (next = WsClient::connect(server.port())) != nullptr; }, 2s, 10ms));
  }
  SECTION("overall") {
    ServerProcess server(ServerProcess::with({"--max-connections", "2"}));
    REQUIRE(server.ready());
    auto a = WsClient::connect(server.port());
    auto b = WsClient::connect(server.port());
    REQUIRE(a);
    REQUIRE(b);
    int status = 0;
    CHECK(WsClient::connect(server.port(), {}, &status) == nullptr);
    CHECK(status == 429);
    // Plain HTTP connections count too.
    CHECK(http_request(server.port(), "GET", "/healthz").status == 429);
    a->close();
    CHECK(eventually([&] { return http_request(server.port(), "GET", "/healthz").status == 200; },
                     2s, 10ms));
  }
}

namespace {

// A plain HTTP/1.1 connection kept open between requests (POSIX socket, so
// that a test can hold many and see exactly when the server closes one).
class KeepAlive {
 public:
  explicit KeepAlive(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) close();
  }
  ~KeepAlive() { close(); }
  KeepAlive(const KeepAlive&) = delete;
  KeepAlive& operator=(const KeepAlive&) = delete;

  // GET `path`; the status (0 when the connection failed or closed), and
  // in *closing whether the server announced "Connection: close".
  int get(const std::string& path, bool* closing = nullptr) {
    if (fd_ < 0) return 0;
    const std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    if (::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
      return 0;
    }
    std::string in;
    std::size_t head_end = std::string::npos;
    std::size_t length = 0;
    while (head_end == std::string::npos || in.size() < head_end + 4 + length) {
      if (!read_more(&in, scaled(5s))) return 0;
      if (head_end == std::string::npos && (head_end = in.find("\r\n\r\n")) != std::string::npos) {
        std::string head = in.substr(0, head_end);
        for (auto& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        auto cl = head.find("content-length: ");
        if (cl != std::string::npos) length = std::stoul(head.substr(cl + 16));
        if (closing) *closing = head.find("connection: close") != std::string::npos;
      }
    }
    return std::stoi(in.substr(9, 3));
  }

  // True when the server closes the connection within `within` (scaled).
  bool closed_within(std::chrono::milliseconds within) {
    if (fd_ < 0) return true;
    std::string ignored;
    const auto deadline = std::chrono::steady_clock::now() + scaled(within);
    while (std::chrono::steady_clock::now() < deadline) {
      if (!read_more(&ignored, std::chrono::milliseconds(50))) {
        if (eof_) return true;
      }
    }
    return false;
  }

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  bool read_more(std::string* in, std::chrono::milliseconds timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      eof_ = true;
      return false;
    }
    in->append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int fd_;
  bool eof_ = false;
};

}  // namespace

TEST_CASE("plain HTTP keep-alive connections count against the connection limits",
          "[server][limits]") {
  ServerProcess server(ServerProcess::with({"--max-connections-per-ip", "3"}));
  REQUIRE(server.ready());
  std::vector<std::unique_ptr<KeepAlive>> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(std::make_unique<KeepAlive>(server.port()));
    REQUIRE(held.back()->get("/healthz") == 200);
  }
  // The address holds 3 idle keep-alive connections: a 4th connection is
  // refused, be it a page or a chat.
  bool closing = false;
  KeepAlive fourth(server.port());
  CHECK(fourth.get("/healthz", &closing) == 429);
  CHECK(closing);
  int status = 0;
  CHECK(WsClient::connect(server.port(), {}, &status) == nullptr);
  CHECK(status == 429);
  // The held ones still work, and closing one gives its slot back.
  CHECK(held[0]->get("/healthz") == 200);
  held.pop_back();
  CHECK(eventually([&] { return http_request(server.port(), "GET", "/healthz").status == 200; }, 2s,
                   10ms));
  // Counted as refusals (at least the two above; the wait for the freed
  // slot may add a few).
  // (The slot of the last request above is freed once the server sees it
  // closed: wait for that too.)
  HttpReply m;
  CHECK(
      eventually([&] { return (m = http_request(server.port(), "GET", "/metrics")).status == 200; },
                 2s, 10ms));
  const std::string key = "guidechat_handshakes_refused_total{reason=\"connection_limit\"} ";
  const auto at = m.body.find(key);
  REQUIRE(at != std::string::npos);
  CHECK(std::stoi(m.body.substr(at + key.size())) >= 2);
}

TEST_CASE("a keep-alive connection is closed after 100 requests or a short idle time",
          "[server][limits]") {
  ServerProcess server(
      ServerProcess::with({"--keep-alive-timeout", "1", "--handshake-timeout", "10"}));
  REQUIRE(server.ready());
  SECTION("at most 100 requests") {
    KeepAlive c(server.port());
    bool closing = false;
    for (int i = 1; i < 100; ++i) {
      REQUIRE(c.get("/healthz", &closing) == 200);
      REQUIRE(!closing);
    }
    CHECK(c.get("/healthz", &closing) == 200);
    CHECK(closing);
    CHECK(c.closed_within(2s));
  }
  SECTION("idle: closed at the keep-alive timeout, not the handshake timeout") {
    KeepAlive c(server.port());
    REQUIRE(c.get("/healthz") == 200);
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(c.closed_within(5s));
    CHECK(std::chrono::steady_clock::now() - t0 >= 900ms);
  }
}

TEST_CASE("--max-say-bytes lowers the say limit", "[server][limits]") {
  ServerProcess server(ServerProcess::with({"--max-say-bytes", "100"}));
  REQUIRE(server.ready());
  auto ws = WsClient::connect_welcomed(server.port());
  REQUIRE(ws);
  REQUIRE(ws->send_json({{"type", "say"}, {"id", 1}, {"text", std::string(101, 'a')}}));
  json e = ws->receive_json();
  CHECK(e["code"] == "too_large");
  CHECK(e["reply_to"] == 1);
  // The connection stays usable: only whole frames over the message limit close it.
  REQUIRE(ws->send_json({{"type", "say"}, {"id", 2}, {"text", "what is facial spasm?"}}));
  CHECK(ws->receive_json()["reply_to"] == 2);
}

TEST_CASE("a client that does not read its replies is dropped", "[server][limits]") {
  // A session reads its next message once the reply's write completes; a
  // write that never completes must not stop the reading, with strands (two
  // I/O threads) or without (one).
  const std::string threads = GENERATE(as<std::string>{}, "1", "2");
  INFO("--threads " << threads);
  ServerProcess server(
      ServerProcess::with({"--rate", "100000", "--burst", "100000", "--address-rate", "100000",
                           "--address-burst", "100000", "--threads", threads}));
  REQUIRE(server.ready());
  // A raw client with a tiny receive window that reads the welcome, then
  // nothing. The server's kernel send buffer takes the first replies, and
  // Linux sizes it from the segment size the client announces: about 4 MiB
  // for loopback's 64 KiB segments, 68 KiB for 536-byte ones (as on a
  // small-MTU link). With those the server's own write queue fills after a
  // hundred or so replies instead of thousands, which take a sanitized
  // server minutes.
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.open(boost::asio::ip::tcp::v4());
  socket.set_option(boost::asio::socket_base::receive_buffer_size(1024));
  const int mss = 536;
  ::setsockopt(socket.native_handle(), IPPROTO_TCP, TCP_MAXSEG, &mss, sizeof mss);
  boost::beast::websocket::stream<boost::asio::ip::tcp::socket&> ws(socket);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
  ws.handshake("127.0.0.1", "/ws");
  boost::beast::flat_buffer welcome;
  ws.read(welcome);
  const json flows = json::parse(boost::beast::buffers_to_string(welcome.data()))["flows"];
  REQUIRE(!flows.empty());
  // Starting a flow is the cheapest turn with a large reply (its first question).
  const std::string ask = json{{"type", "start"}, {"flow", flows[0]["id"]}}.dump();
  auto dropped = [&] {
    auto m = http_request(server.port(), "GET", "/metrics");
    return m.body.find("guidechat_slow_clients_dropped_total 1") != std::string::npos;
  };
  // Keep sending until the server gives up on us (bounded: 20000 messages).
  boost::beast::error_code ec;
  for (int i = 0; i < 20000 && !ec; ++i) {
    ws.write(boost::asio::buffer(ask), ec);
    if (i % 200 == 0 && dropped()) break;
  }
  // A slow (e.g. sanitized) server may still be working through what it has
  // read: wait for its count rather than racing it.
  CHECK(eventually(dropped, std::chrono::seconds(15), std::chrono::milliseconds(100)));
  CHECK(http_request(server.port(), "GET", "/healthz").status == 200);
}

TEST_CASE("silent peers are dropped by the timeouts", "[server][limits]") {
  ServerProcess server(ServerProcess::with({"--handshake-timeout", "1", "--idle-timeout", "2"}));
  REQUIRE(server.ready());
  SECTION("a TCP connection that never sends a request") {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket socket(ioc);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), server.port()});
    auto t0 = std::chrono::steady_clock::now();
    char byte;
    boost::beast::error_code ec;
    socket.read_some(boost::asio::buffer(&byte, 1), ec);  // returns when the server closes
    CHECK(ec);
    CHECK(std::chrono::steady_clock::now() - t0 < scaled(3s));
  }
  SECTION("a WebSocket that stops answering pings") {
    auto ws = WsClient::connect_welcomed(server.port());
    REQUIRE(ws);
    // Not reading means not answering the server's ping: dropped at the
    // idle timeout (2 s), not before.
    const auto t0 = std::chrono::steady_clock::now();
    CHECK(eventually(
        [&] {
          auto m = http_request(server.port(), "GET", "/metrics");
          return m.body.find("guidechat_connections_open 0") != std::string::npos;
        },
        3s, 50ms));
    CHECK(std::chrono::steady_clock::now() - t0 >= 1500ms);
  }
}
