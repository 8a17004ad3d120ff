// Hostile clients against the real server: slowloris handshakes, clients
// that never read, thousands of connections opened and abandoned, and
// half-open connections that go silent. During each attack a prober keeps
// opening fresh connections and asking a question; every answer must come
// within 100 ms, and afterwards the server must be back to its resting
// number of file descriptors.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "raw_socket.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

using namespace guidechat::hardening;
using namespace std::chrono_literals;

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

// The bound a normal client's answer must meet during an attack. Sanitizer
// builds run several times slower and may widen it with
// GUIDECHAT_HARDENING_LATENCY_MS (tests/extra.sh does).
std::chrono::milliseconds max_latency() {
  const char* env = std::getenv("GUIDECHAT_HARDENING_LATENCY_MS");
  return std::chrono::milliseconds(env && *env ? std::atoi(env) : 100);
}

// Source addresses for attackers: all of 127.0.0.0/8 is loopback on Linux,
// so each attacker address gets its own per-IP connection budget while the
// prober (127.0.0.1) stands for everyone else.
std::string attacker_ip(std::size_t i) {
  return std::string("127.0.1.").append(std::to_string(2 + i % 250));
}

// Asks a question on a fresh connection every 50 ms until stopped.
class Prober {
 public:
  explicit Prober(std::uint16_t port) : port_(port), thread_([this] { loop(); }) {}
  ~Prober() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int probes() const { return probes_; }
  int failures() const { return failures_; }
  std::chrono::microseconds worst() const { return worst_; }

 private:
  void loop() {
    while (!stop_) {
      std::chrono::microseconds latency{};
      bool ok = fresh_client_answered(port_, &latency);
      ++probes_;
      if (!ok) ++failures_;
      if (ok && latency > worst_.load()) worst_ = latency;
      std::this_thread::sleep_for(50ms);
    }
  }
  std::uint16_t port_;
  std::atomic<bool> stop_{false};
  std::atomic<int> probes_{0}, failures_{0};
  std::atomic<std::chrono::microseconds> worst_{std::chrono::microseconds(0)};
  std::thread thread_;
};

void report(const char* attack, const Prober& p) {
  std::cout << "[hostile] " << attack << ": " << p.probes() << " probes, " << p.failures()
            << " failed, worst say->reply " << p.worst().count() << " us\n";
  CHECK(p.probes() >= 3);
  CHECK(p.failures() == 0);
  CHECK(p.worst() <= max_latency());
}

// Waits until the server holds at most `fds` descriptors.
bool settles(const ServerProcess& s, int fds, std::chrono::milliseconds within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    if (s.fd_count() <= fds) return true;
    std::this_thread::sleep_for(50ms);
  }
  return s.fd_count() <= fds;
}

// A counter or gauge from GET /metrics (-1 when absent).
double metric(std::uint16_t port, const std::string& name) {
  const std::string body = http_get(port, "/metrics");
  const std::string key = "\n" + name + " ";
  auto at = body.find(key);
  if (at == std::string::npos) return -1;
  return std::stod(body.substr(at + key.size()));
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
  const auto started = std::chrono::steady_clock::now();
  std::size_t closed = 0;
  while (std::chrono::steady_clock::now() - started < 3500ms && closed < kAttackers) {
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
  CHECK(closed == kAttackers);  // every one cut within timeout (2 s) + margin
  slow.clear();
  CHECK(settles(*server, resting, 3s));
  CHECK(server->alive());
}

TEST_CASE("clients that never read are dropped, and server memory stays bounded") {
  // No rate limit here: the point is what a fast writer that never reads
  // does to the server's write queue.
  auto server = start({"--rate", "1000000", "--burst", "1000000"});
  REQUIRE(fresh_client_answered(server->port()));
  const int resting = server->fd_count();
  const auto rss_before = server->rss_kib();

  // The server's kernel send buffer (up to tcp_wmem max, 4 MiB) takes the
  // first replies; only then does its write queue grow. So a few clients
  // that each send a lot, in batches.
  constexpr std::size_t kClients = 6;
  std::vector<RawSocket> clients;
  for (std::size_t i = 0; i < kClients; ++i) {
    RawSocket s = RawSocket::connect(server->port(), attacker_ip(i), /*rcvbuf=*/4096);
    REQUIRE(s.valid());
    REQUIRE(s.websocket_handshake(server->port()));
    clients.push_back(std::move(s));
  }
  Prober prober(server->port());
  std::string batch;
  for (int i = 0; i < 16; ++i) {
    batch += client_frame(
        R"({"type":"say","text":"what are the treatment options and home remedies?"})");
  }
  std::vector<bool> dropped(kClients, false);
  std::size_t n_dropped = 0, sent = 0;
  std::int64_t rss_peak = rss_before;
  const auto started = std::chrono::steady_clock::now();
  while (n_dropped < kClients && std::chrono::steady_clock::now() - started < 30s) {
    for (std::size_t i = 0; i < kClients; ++i) {
      if (dropped[i]) continue;
      // A reset on send: the server closed the socket on us.
      if (!clients[i].send_all(batch) || clients[i].peer_closed()) {
        dropped[i] = true;
        ++n_dropped;
      } else {
        sent += 16;
      }
    }
    rss_peak = std::max(rss_peak, server->rss_kib());
    std::this_thread::sleep_for(2ms);
  }
  std::this_thread::sleep_for(300ms);  // probe the aftermath too
  prober.stop();
  report("never-reading clients", prober);
  std::cout << "[hostile] never-reading clients: " << n_dropped << "/" << kClients << " dropped in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - started)
                   .count()
            << " ms after " << sent << " questions; server RSS " << rss_before << " -> peak "
            << rss_peak << " KiB\n";
  CHECK(n_dropped == kClients);
  // Dropped as slow readers (the write queue limit), not for anything else.
  CHECK(metric(server->port(), "guidechat_slow_clients_dropped_total") == kClients);
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
  const bool settled = settles(*server, resting, 10s);
  std::this_thread::sleep_for(300ms);  // probe after the wave too
  prober.stop();
  std::cout << "[hostile] " << n << " connections (" << upgraded << " WebSockets) opened in "
            << open_ms << " ms; server fds " << resting << " -> " << fds_open << " -> "
            << server->fd_count() << "\n";
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
  const auto started = std::chrono::steady_clock::now();
  std::size_t closed = 0;
  int live_turns = 0;
  while (std::chrono::steady_clock::now() - started < 6s && closed < kSilent) {
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
  bool answered = false;
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!answered && std::chrono::steady_clock::now() < deadline) {
    answered = fresh_client_answered(server->port());
    if (!answered) std::this_thread::sleep_for(100ms);
  }
  CHECK(answered);
  CHECK(server->alive());
}
