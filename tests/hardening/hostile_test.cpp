// Hostile clients against the real server: slowloris handshakes, clients
// that never read, thousands of connections opened and abandoned, and
// half-open connections that go silent. During each attack a prober keeps
// opening fresh connections and asking a question; every answer must come
// within 100 ms (scaled for sanitized builds), and afterwards the server must
// be back to its resting number of file descriptors. Each attack waits for
// what the server does (closed sockets, its counters) up to a deadline
// scaled by time_scale.hpp, so a slower build takes longer but still passes.
#include <catch2/catch.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "raw_socket.hpp"
#include "server_process.hpp"
#include "time_scale.hpp"
#include "ws_client.hpp"

using namespace guidechat::hardening;
using namespace std::chrono_literals;
using guidechat::testing::eventually;
using guidechat::testing::scaled;

// Sanitizer builds (the test is built like the server it starts): their
// runtimes keep freed memory in quarantine and need file descriptors of
// their own, so the memory bound and the out-of-descriptors case only mean
// something in a plain build.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

namespace {

// The bound a normal client's answer must meet during an attack.
std::chrono::milliseconds max_latency() {
  return scaled(100ms);
}

// Source addresses for attackers: all of 127.0.0.0/8 is loopback on Linux,
// so each attacker address gets its own per-IP connection budget while the
// prober (127.0.0.1) stands for everyone else.
std::string attacker_ip(std::size_t i) {
  return std::string("127.0.1.").append(std::to_string(2 + i % 250));
}

// Answers a prober must have had before an attack is judged.
constexpr int kMinProbes = 3;

// Asks a question on a fresh connection every 50 ms until stopped.
class Prober {
 public:
  explicit Prober(std::uint16_t port) : port_(port), thread_([this] { loop(); }) {}
  ~Prober() { stop(); }
  // Probes on until a few have run (each can take a second in a sanitized
  // build under attack), so that report() judges more than one answer.
  void stop() {
    if (!thread_.joinable()) return;
    eventually([&] { return probes_ >= kMinProbes; }, 5s, 20ms);
    stop_ = true;
    thread_.join();
  }
  int probes() const { return probes_; }
  int failures() const { return failures_; }
  std::chrono::microseconds worst() const { return worst_; }
  // When the worst answer came, from the prober's start (tells which phase
  // of an attack it fell in).
  std::chrono::milliseconds worst_at() const { return worst_at_; }

 private:
  void loop() {
    const auto started = std::chrono::steady_clock::now();
    while (!stop_) {
      std::chrono::microseconds latency{};
      bool ok = fresh_client_answered(port_, &latency);
      ++probes_;
      if (!ok) ++failures_;
      if (ok && latency > worst_.load()) {
        worst_ = latency;
        worst_at_ = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - started);
      }
      std::this_thread::sleep_for(50ms);
    }
  }
  std::uint16_t port_;
  std::atomic<bool> stop_{false};
  std::atomic<int> probes_{0}, failures_{0};
  std::atomic<std::chrono::microseconds> worst_{std::chrono::microseconds(0)};
  std::atomic<std::chrono::milliseconds> worst_at_{std::chrono::milliseconds(0)};
  std::thread thread_;
};

void report(const char* attack, const Prober& p) {
  std::cout << "[hostile] " << attack << ": " << p.probes() << " probes, " << p.failures()
            << " failed, worst say->reply " << p.worst().count() << " us (" << p.worst_at().count()
            << " ms in; bound " << max_latency().count() << " ms)\n";
  CHECK(p.probes() >= kMinProbes);
  CHECK(p.failures() == 0);
  CHECK(p.worst() <= max_latency());
}

// Waits until the server holds at most `fds` descriptors (`within` is
// scaled).
bool settles(const ServerProcess& s, int fds, std::chrono::milliseconds within) {
  return eventually([&] { return s.fd_count() <= fds; }, within, 50ms);
}

// A counter or gauge from GET /metrics (-1 when absent).
double metric(std::uint16_t port, const std::string& name) {
  const std::string body = http_get(port, "/metrics");
  const std::string key = "\n" + name + " ";
  auto at = body.find(key);
  if (at == std::string::npos) return -1;
  return std::stod(body.substr(at + key.size()));
}

// The id of the first guided flow the server offers ("" if none).
std::string first_flow(std::uint16_t port) {
  auto c = WsClient::connect(port);
  if (!c || !c->welcome().contains("flows") || c->welcome()["flows"].empty()) return {};
  return c->welcome()["flows"][0].value("id", "");
}

// A WebSocket client that never reads, with what it has yet to send.
struct NeverReader {
  RawSocket socket;
  std::string unsent;
  bool reset = false;  // a send failed: the server closed the connection
};

constexpr int kBatch = 16;  // questions per batch

// A connected, upgraded client that will never read. The server's kernel
// send buffer takes the first replies; only then does its write queue grow.
// Linux sizes that buffer from the segment size the client announces: about
// 4 MiB (tcp_wmem max) for loopback's 64 KiB segments, 68 KiB for 536-byte
// ones, as on a small-MTU link. With those the queue fills after a hundred
// or so replies instead of thousands, which take a sanitized server minutes.
RawSocket never_reading_client(std::uint16_t port, const std::string& ip) {
  RawSocket s = RawSocket::connect(port, ip, /*rcvbuf=*/4096, /*mss=*/536);
  if (s.valid() && !s.websocket_handshake(port)) s.close();
  return s;
}

// Tops up `c`'s send buffer with batches until it takes no more, without
// ever blocking: a full buffer means the server is busy with earlier
// questions, not that it dropped us.
void flood(NeverReader& c, const std::string& batch) {
  for (int i = 0; i < 64 && !c.reset; ++i) {
    if (c.unsent.empty()) c.unsent = batch;
    c.reset = !c.socket.send_some(&c.unsent);
    if (!c.unsent.empty()) return;  // the buffer is full
  }
}

std::unique_ptr<ServerProcess> start(std::vector<std::string> args, long max_fds = 0) {
  ServerProcess::Options options;
  options.args = std::move(args);
  options.max_fds = max_fds;
  auto s = ServerProcess::start(options);
  if (!s.ok()) FAIL(s.error());
  return std::move(*s);
}

}  // namespace

TEST_CASE("slowloris: handshakes dribbled a byte at a time are cut at the handshake timeout") {
  auto server = start({"--handshake-timeout", "2"});
  REQUIRE(fresh_client_answered(server->port()));
  const int resting = server->fd_count();

  constexpr std::size_t kAttackers = 400;
  std::vector<RawSocket> slow;
  for (std::size_t i = 0; i < kAttackers; ++i) {
    RawSocket s = RawSocket::connect(server->port(), attacker_ip(i));
    REQUIRE(s.valid());
    REQUIRE(s.send_all("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"));
    slow.push_back(std::move(s));
  }
  Prober prober(server->port());
  // One more header byte per connection every 250 ms: never a full request.
  // Each is cut at the handshake timeout, plus however late the server is.
  const auto within = 2s + scaled(1500ms);
  const auto started = std::chrono::steady_clock::now();
  std::size_t closed = 0;
  while (std::chrono::steady_clock::now() - started < within && closed < kAttackers) {
    closed = 0;
    for (auto& s : slow) {
      if (s.peer_closed()) {
        ++closed;
      } else {
        s.send_all("X");
      }
    }
    std::this_thread::sleep_for(250ms);
  }
  prober.stop();
  report("slowloris", prober);
  CHECK(closed == kAttackers);
  slow.clear();
  CHECK(settles(*server, resting, 3s));
  CHECK(server->alive());
}

TEST_CASE("clients that never read are dropped, and server memory stays bounded") {
  // No rate limit here: the point is what a fast writer that never reads
  // does to the server's write queue.
  auto server = start({"--rate", "1000000", "--burst", "1000000", "--address-rate", "1000000",
                       "--address-burst", "1000000"});
  const std::string flow = first_flow(server->port());
  REQUIRE(!flow.empty());
  REQUIRE(fresh_client_answered(server->port()));
  const int resting = server->fd_count();
  const auto rss_before = server->rss_kib();

  // A few clients that each send a lot, in batches, and never read.
  constexpr std::size_t kClients = 6;
  std::vector<NeverReader> clients;
  for (std::size_t i = 0; i < kClients; ++i) {
    clients.push_back({never_reading_client(server->port(), attacker_ip(i)), {}, false});
    REQUIRE(clients.back().socket.valid());
  }
  // Starting a flow is the cheapest turn with a large reply (its first
  // question): a quarter of the server time per reply byte of a `say`.
  std::string batch;
  for (int i = 0; i < kBatch; ++i) {
    batch += client_frame(R"({"type":"start","flow":")" + flow + R"("})");
  }
  Prober prober(server->port());
  const double turns_before = metric(server->port(), "guidechat_turns_total");
  std::int64_t rss_peak = rss_before;
  const auto started = std::chrono::steady_clock::now();
  // Wait for the server's own count of slow readers dropped: the sockets
  // closing alone would not say why they closed. Release takes tens of ms.
  const auto within = 3s;
  const bool dropped = eventually(
      [&] {
        for (auto& c : clients) flood(c, batch);
        rss_peak = std::max(rss_peak, server->rss_kib());
        return metric(server->port(), "guidechat_slow_clients_dropped_total") >= kClients;
      },
      within, 5ms);
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
  const bool closed = eventually(
      [&] {
        return std::all_of(clients.begin(), clients.end(),
                           [](const NeverReader& c) { return c.socket.peer_closed(); });
      },
      2s);
  std::this_thread::sleep_for(300ms);  // probe the aftermath too
  prober.stop();
  report("never-reading clients", prober);
  const double n_dropped = metric(server->port(), "guidechat_slow_clients_dropped_total");
  std::cout << "[hostile] never-reading clients: " << n_dropped << "/" << kClients
            << " dropped as slow readers in " << took.count() << " ms (deadline "
            << scaled(within).count() << " ms) after "
            << metric(server->port(), "guidechat_turns_total") - turns_before
            << " turns; server RSS " << rss_before << " -> peak " << rss_peak << " KiB\n";
  CHECK(dropped);
  // Each dropped once, by the write-queue limit, and its socket closed.
  CHECK(n_dropped == kClients);
  CHECK(closed);
  // 64 queued replies of a few KiB per client, plus socket buffers.
  if (kSanitized) {
    WARN("sanitizer build: RSS growth " << rss_peak - rss_before << " KiB not checked");
  } else {
    CHECK(rss_peak - rss_before < 32 * 1024);
  }
  clients.clear();
  CHECK(settles(*server, resting, 3s));
  CHECK(server->alive());
}

namespace {

// The costliest text a patient's message may hold: 4,000 bytes of guide
// words each misspelled (so every one is neither English nor the guide's
// and would go through the spelling corrector), as a `say`.
std::string worst_case_say(int id) {
  const char* base[] = {"spasms",     "twitching",   "eyelid",    "facial",     "muscles",
                        "doctor",     "symptoms",    "botulinum", "hemifacial", "treatment",
                        "injection",  "relaxation",  "triggers",  "caffeine",   "exercises",
                        "medication", "neurologist", "tiredness", "stressful",  "massaging"};
  std::string text;
  for (std::size_t i = 0; text.size() < 3980; ++i) {
    std::string w = base[(i * 7 + static_cast<std::size_t>(id)) % 20];
    w[1 + i % (w.size() - 2)] = static_cast<char>('q' + i % 5);  // one letter changed
    if (!text.empty()) text += ' ';
    text += w;
  }
  text.resize(std::min<std::size_t>(text.size(), 3990));
  return nlohmann::json{{"type", "say"}, {"id", id}, {"text", text}}.dump();
}

}  // namespace

TEST_CASE("worst-case messages from one address at the allowed rate leave others served") {
  // 200 connections from one address (its whole allowance), each sending a
  // worst-case message every 100 ms (the per-connection rate), reconnecting
  // whenever the server closes it. The work of one message is bounded
  // (spelling corrections per search) and the address's messages share one
  // budget, kept across reconnects.
  auto server = start({});
  REQUIRE(fresh_client_answered(server->port()));
  {
    // The cost of one worst-case message, alone.
    auto c = WsClient::connect(server->port());
    REQUIRE(c);
    std::chrono::microseconds worst_alone{0};
    for (int i = 0; i < 5; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      REQUIRE(c->send_text(worst_case_say(i)));
      REQUIRE(c->read().kind == Frame::Kind::kText);
      worst_alone = std::max(worst_alone, std::chrono::duration_cast<std::chrono::microseconds>(
                                              std::chrono::steady_clock::now() - t0));
    }
    std::cout << "[hostile] one worst-case message (4,000 bytes of misspelled guide words): "
                 "at most "
              << worst_alone.count() << " us say->reply of 5\n";
  }
  const std::string ip = "127.0.2.9";
  constexpr std::size_t kConnections = 200;
  std::vector<RawSocket> conns(kConnections);
  std::size_t reconnects = 0, sent = 0;
  auto open = [&](RawSocket& s) {
    s = RawSocket::connect(server->port(), ip);
    if (s.valid() && !s.websocket_handshake(server->port())) s.close();
  };
  for (auto& s : conns) open(s);
  Prober prober(server->port());
  const auto started = std::chrono::steady_clock::now();
  int round = 0;
  while (std::chrono::steady_clock::now() - started < 3s) {
    for (auto& s : conns) {
      if (!s.valid() || s.peer_closed()) {
        ++reconnects;
        open(s);
        if (!s.valid()) continue;
      }
      std::string frame = client_frame(worst_case_say(round));
      if (s.send_some(&frame) && frame.empty()) ++sent;
    }
    ++round;
    std::this_thread::sleep_for(100ms);
  }
  prober.stop();
  const double limited = metric(server->port(), "guidechat_rate_limited_total");
  const double turns = metric(server->port(), "guidechat_turns_total");
  std::cout << "[hostile] CPU attack: " << sent << " worst-case messages sent from one address "
            << "over " << kConnections << " connections in 3 s (" << reconnects << " reconnects), "
            << turns << " turns handled, " << limited << " rate limited\n";
  report("worst-case messages from one address", prober);
  // The address got about its budget (burst + rate x time), not 10 per
  // connection per second.
  CHECK(turns < 100 + 50 * 5 + prober.probes() * 2 + 20);
  conns.clear();
  CHECK(server->alive());
}

TEST_CASE("keep-alive connections from one address are held to its connection limit") {
  // One address opens 2,000 plain HTTP connections and keeps each alive
  // with a request (the attack that used to hold thousands of descriptors
  // and lock everyone out): at most --max-connections-per-ip stay open; the
  // rest are answered 429 and closed; others are served throughout.
  const std::size_t limit = raise_fd_limit();
  const std::size_t n = std::min<std::size_t>(2000, limit > 600 ? limit - 500 : 100);
  // Held as long as the attack takes, however slow the build: the idle
  // keep-alive timeout has a test of its own (server_limits_test).
  auto server = start({"--keep-alive-timeout", "3600"});
  REQUIRE(fresh_client_answered(server->port()));
  const int resting = server->fd_count();
  Prober prober(server->port());
  std::vector<RawSocket> conns;
  std::size_t ok = 0, refused = 0;
  const std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  for (std::size_t i = 0; i < n; ++i) {
    RawSocket s = RawSocket::connect(server->port(), "127.0.3.7");
    if (!s.valid() || !s.send_all(request)) continue;
    char head[16] = {};
    if (::recv(s.fd(), head, 12, MSG_WAITALL) != 12) continue;
    const std::string status(head + 9, 3);
    if (status == "200") ++ok;
    if (status == "429") ++refused;
    conns.push_back(std::move(s));
  }
  const int fds_open = server->fd_count();
  // Others are probed while the attacker still holds its connections, as
  // long as it takes for a few probes, however fast the attack went.
  eventually([&] { return prober.probes() >= 3; }, 3s, 20ms);
  prober.stop();
  std::cout << "[hostile] " << n << " keep-alive connections from one address: " << ok
            << " served and held, " << refused << " refused (429); server fds " << resting << " -> "
            << fds_open << "\n";
  report("keep-alive connections from one address", prober);
  CHECK(ok == 200);
  CHECK(refused == n - 200);
  CHECK(fds_open <= resting + 200 + 20);
  conns.clear();
  CHECK(settles(*server, resting, 5s));
}

TEST_CASE("5,000 connections opened and abandoned") {
  const std::size_t limit = raise_fd_limit();
  std::size_t n = 5000;
  if (limit < 2 * n + 500) {
    WARN("open-file limit " << limit << " is too low for 5,000 connections; using fewer");
    n = limit > 1000 ? (limit - 500) / 2 : 200;
  }
  auto server = start({"--max-connections", "20000"});
  REQUIRE(fresh_client_answered(server->port()));
  const int resting = server->fd_count();

  std::vector<RawSocket> conns;
  conns.reserve(n);
  Prober prober(server->port());
  const auto started = std::chrono::steady_clock::now();
  std::size_t upgraded = 0;
  for (std::size_t i = 0; i < n; ++i) {
    RawSocket s = RawSocket::connect(server->port(), attacker_ip(i));
    REQUIRE(s.valid());
    // Every third one never finishes its request; the rest become WebSockets.
    if (i % 3 == 0) {
      s.send_all("GET /ws HTTP/1.1\r\n");
    } else {
      REQUIRE(s.websocket_handshake(server->port()));
      ++upgraded;
    }
    conns.push_back(std::move(s));
  }
  const auto open_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::steady_clock::now() - started)
                           .count();
  const int fds_open = server->fd_count();
  // Abandon them all at once: half vanish with a reset, half with a bare FIN
  // (no WebSocket close frame either way).
  for (std::size_t i = 0; i < conns.size(); ++i) {
    if (i % 2) {
      conns[i].reset();
    } else {
      conns[i].close();
    }
  }
  const auto abandoned = std::chrono::steady_clock::now();
  const bool settled = settles(*server, resting, 10s);
  const auto release_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - abandoned)
                              .count();
  std::this_thread::sleep_for(300ms);  // probe after the wave too
  prober.stop();
  std::cout << "[hostile] " << n << " connections (" << upgraded << " WebSockets) opened in "
            << open_ms << " ms, released in " << release_ms << " ms; server fds " << resting
            << " -> " << fds_open << " -> " << server->fd_count() << "\n";
  report("5,000 abandoned connections", prober);
  CHECK(fds_open >= resting + static_cast<int>(n) / 2);  // they really were open at once
  CHECK(settled);
  CHECK(metric(server->port(), "guidechat_connections_open") == 0);
  CHECK(server->alive());
  CHECK(fresh_client_answered(server->port()));
}

TEST_CASE("half-open connections that go silent are dropped at the idle timeout") {
  auto server = start({"--idle-timeout", "2"});
  REQUIRE(fresh_client_answered(server->port()));
  const int resting = server->fd_count();

  // WebSockets whose peer is gone: never a byte more, never a pong.
  constexpr std::size_t kSilent = 300;
  std::vector<RawSocket> silent;
  for (std::size_t i = 0; i < kSilent; ++i) {
    RawSocket s = RawSocket::connect(server->port(), attacker_ip(i));
    REQUIRE(s.valid());
    REQUIRE(s.websocket_handshake(server->port()));
    silent.push_back(std::move(s));
  }
  // A live client on the same server keeps talking through the same time
  // and must not be dropped.
  auto live = WsClient::connect(server->port());
  REQUIRE(live);

  Prober prober(server->port());
  const auto within = 2s + scaled(4s);  // the idle timeout, plus the server's lateness
  const auto started = std::chrono::steady_clock::now();
  std::size_t closed = 0;
  int live_turns = 0;
  while (std::chrono::steady_clock::now() - started < within && closed < kSilent) {
    closed = 0;
    for (auto& s : silent) closed += s.peer_closed() ? 1 : 0;
    auto r = live->request({{"type", "say"}, {"text", "eye twitch"}});
    REQUIRE(r.value("type", "") == "reply");
    ++live_turns;
    std::this_thread::sleep_for(250ms);
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
  prober.stop();
  std::cout << "[hostile] half-open: " << closed << "/" << kSilent << " dropped after " << took
            << " ms (idle timeout 2 s); live client: " << live_turns << " turns\n";
  report("half-open connections", prober);
  CHECK(closed == kSilent);
  CHECK(took >= 1500);  // not before their time
  silent.clear();
  CHECK(settles(*server, resting + 2, 3s));  // the live client's and the prober's
  CHECK(server->alive());
}

TEST_CASE("out of file descriptors: the server backs off, then recovers") {
  if (kSanitized) {
    WARN("sanitizer build: skipped (the sanitizer runtime itself needs descriptors)");
    return;
  }
  // A server with only 64 descriptors, and 150 connections that will not go.
  auto server = start({}, /*max_fds=*/64);
  REQUIRE(fresh_client_answered(server->port()));

  std::vector<RawSocket> hogs;
  for (std::size_t i = 0; i < 150; ++i) {
    // The kernel completes the TCP handshake from the listen backlog even
    // when the server cannot accept, so connect() succeeds.
    RawSocket s = RawSocket::connect(server->port(), attacker_ip(i));
    REQUIRE(s.valid());
    s.send_all("GET /ws HTTP/1.1\r\n");
    hogs.push_back(std::move(s));
  }
  std::this_thread::sleep_for(500ms);
  // Out of descriptors, accept() fails at once, again and again: the server
  // must wait between tries instead of spinning a core on it.
  const auto cpu_before = server->cpu_time();
  std::this_thread::sleep_for(1000ms);
  const auto cpu = server->cpu_time() - cpu_before;
  std::cout << "[hostile] out of descriptors: " << server->fd_count() << " fds open, server CPU "
            << cpu.count() << " ms in 1 s\n";
  CHECK(server->fd_count() >= 60);  // it really ran out
  CHECK(cpu < 300ms);

  hogs.clear();
  // Served again once the hogs are gone (their connections time out or close).
  CHECK(eventually([&] { return fresh_client_answered(server->port()); }, 5s, 100ms));
  CHECK(server->alive());
}
