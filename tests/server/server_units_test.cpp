// The server's small parts in isolation: token bucket, connection limits,
// origin check, web files, metrics text and the CSP.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "server/connection_limiter.hpp"
#include "server/http_router.hpp"
#include "server/metrics.hpp"
#include "server/origin_check.hpp"
#include "server/rate_limiter.hpp"
#include "server/static_files.hpp"

using namespace guidechat::server;
using namespace std::chrono_literals;

TEST_CASE("token bucket: burst, refill, cap", "[server][unit]") {
  auto t = RateLimiter::Clock::time_point{} + 1h;
  RateLimiter bucket(2.0, 3.0, t);
  CHECK(bucket.try_take(t));
  CHECK(bucket.try_take(t));
  CHECK(bucket.try_take(t));
  CHECK_FALSE(bucket.try_take(t));
  CHECK_FALSE(bucket.try_take(t + 400ms));  // 0.8 token
  CHECK(bucket.try_take(t + 500ms));        // 1.0 token
  CHECK_FALSE(bucket.try_take(t + 500ms));
  // A long pause refills to the burst, not beyond.
  auto later = t + 1h;
  for (int i = 0; i < 3; ++i) CHECK(bucket.try_take(later));
  CHECK_FALSE(bucket.try_take(later));
  // A clock going backwards gives nothing.
  CHECK_FALSE(bucket.try_take(t));
}

TEST_CASE("connection limiter: overall and per IP, released by tickets", "[server][unit]") {
  auto limiter = ConnectionLimiter::create(3, 2);
  auto a1 = limiter->try_acquire("10.0.0.1");
  auto a2 = limiter->try_acquire("10.0.0.1");
  REQUIRE(a1);
  REQUIRE(a2);
  CHECK_FALSE(limiter->try_acquire("10.0.0.1"));
  auto b1 = limiter->try_acquire("10.0.0.2");
  REQUIRE(b1);
  CHECK_FALSE(limiter->try_acquire("10.0.0.3"));  // overall limit
  CHECK(limiter->open() == 3);
  a1.reset();
  CHECK(limiter->open() == 2);
  auto a3 = limiter->try_acquire("10.0.0.1");
  CHECK(a3);
  // Moving a ticket does not release twice.
  ConnectionLimiter::Ticket moved = std::move(*b1);
  b1.reset();
  CHECK(limiter->open() == 3);
}

TEST_CASE("connection limiter: an IPv6 client is counted by its /64", "[server][unit]") {
  CHECK(limit_key("10.0.0.1") == "10.0.0.1");
  CHECK(limit_key("::ffff:10.0.0.1") == "10.0.0.1");
  CHECK(limit_key("2001:db8:1:2:aaaa:bbbb:cccc:dddd") == "2001:db8:1:2::/64");
  CHECK(limit_key("2001:db8:1:2::1") == limit_key("2001:db8:1:2:ffff::9"));
  CHECK(limit_key("2001:db8:1:3::1") != limit_key("2001:db8:1:2::1"));
  auto limiter = ConnectionLimiter::create(100, 2);
  auto a = limiter->try_acquire("2001:db8:1:2::1");
  auto b = limiter->try_acquire("2001:db8:1:2::2");
  REQUIRE(a);
  REQUIRE(b);
  // A third address of the same /64 is the same client.
  CHECK_FALSE(limiter->try_acquire("2001:db8:1:2:dead:beef:0:1"));
  CHECK(limiter->open_from("2001:db8:1:2::7") == 2);
  CHECK(limiter->try_acquire("2001:db8:1:3::1"));  // another /64
}

TEST_CASE("connection limiter: a proxy's connection counts towards the total, then the client",
          "[server][unit]") {
  auto limiter = ConnectionLimiter::create(3, 1);
  auto proxied = limiter->try_acquire_total();
  REQUIRE(proxied);
  CHECK(proxied->key().empty());
  CHECK(limiter->open() == 1);
  // The request names the client: it now counts against that address too.
  CHECK(limiter->attach(*proxied, "10.0.0.1"));
  CHECK(limiter->open_from("10.0.0.1") == 1);
  CHECK(limiter->open() == 1);
  // Attaching again to the same address changes nothing.
  CHECK(limiter->attach(*proxied, "10.0.0.1"));
  CHECK(limiter->open_from("10.0.0.1") == 1);
  // A second proxied connection for the same client is over its limit and
  // keeps counting towards the total only.
  auto second = limiter->try_acquire_total();
  REQUIRE(second);
  CHECK_FALSE(limiter->attach(*second, "10.0.0.1"));
  CHECK(second->key().empty());
  CHECK(limiter->open() == 2);
  auto third = limiter->try_acquire_total();
  REQUIRE(third);
  CHECK_FALSE(limiter->try_acquire_total());  // total reached
  proxied.reset();
  CHECK(limiter->open_from("10.0.0.1") == 0);
  CHECK(limiter->open() == 2);
  CHECK(limiter->attach(*second, "10.0.0.1"));
  second.reset();
  third.reset();
  CHECK(limiter->open() == 0);
  CHECK(limiter->open_from("10.0.0.1") == 0);
}

TEST_CASE("origin check", "[server][unit]") {
  OriginCheck check({"https://clinic.example/", "HTTPS://Other.Example"});
  CHECK(check.allowed("", "guide.example:8080"));
  CHECK(check.allowed("http://guide.example:8080", "guide.example:8080"));
  CHECK(check.allowed("https://guide.example:8080", "guide.example:8080"));
  CHECK(check.allowed("https://clinic.example", "x"));
  CHECK(check.allowed("https://other.example", "x"));
  CHECK_FALSE(check.allowed("https://clinic.example.evil.com", "x"));
  CHECK_FALSE(check.allowed("http://clinic.example", "x"));  // scheme matters
  CHECK_FALSE(check.allowed("null", "x"));
  CHECK_FALSE(check.allowed("https://evil.example", "guide.example"));
}

TEST_CASE("origin check with public origins does not trust Host", "[server][unit]") {
  OriginCheck check({"https://clinic.example"}, {"https://chat.clinic.example/"});
  CHECK(check.allowed("https://chat.clinic.example", "chat.clinic.example"));
  CHECK(check.allowed("https://clinic.example", "chat.clinic.example"));
  CHECK(check.allowed("", "chat.clinic.example"));
  // A DNS-rebinding page: its Origin and the Host its browser sends agree.
  CHECK_FALSE(check.allowed("http://rebind.evil.example", "rebind.evil.example"));
  CHECK_FALSE(check.allowed("http://chat.clinic.example", "chat.clinic.example"));
  // Without public origins, Host is the server's own (local and proxied set-ups).
  OriginCheck by_host({});
  CHECK(by_host.allowed("http://rebind.evil.example", "rebind.evil.example"));
}

TEST_CASE("static files: only regular, visible files inside the directory", "[server][unit]") {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("guidechat-static-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "sub");
  fs::create_directories(dir / ".hidden");
  std::ofstream(dir / "index.html") << "<html>hi</html>";
  std::ofstream(dir / "sub" / "app.js") << "let a = 1;";
  std::ofstream(dir / ".hidden" / "secret.txt") << "no";
  std::ofstream(dir / ".env") << "no";
  fs::create_symlink("/etc/hostname", dir / "link.txt");

  auto files = StaticFiles::load(dir);
  REQUIRE(files.ok());
  CHECK(files->size() == 2);
  REQUIRE(files->find("/") != nullptr);
  CHECK(files->find("/")->body == "<html>hi</html>");
  CHECK(files->find("/")->content_type == "text/html; charset=utf-8");
  REQUIRE(files->find("/sub/app.js") != nullptr);
  CHECK(files->find("/sub/app.js")->content_type == "text/javascript; charset=utf-8");
  CHECK(files->find("/sub/app.js")->etag != files->find("/")->etag);
  CHECK(files->find("/.env") == nullptr);
  CHECK(files->find("/.hidden/secret.txt") == nullptr);
  CHECK(files->find("/link.txt") == nullptr);
  CHECK(files->find("/sub/../index.html") == nullptr);
  CHECK(files->find("index.html") == nullptr);

  auto missing = StaticFiles::load(dir / "nope");
  REQUIRE(missing.ok());
  CHECK(missing->size() == 0);
  fs::remove_all(dir);
}

TEST_CASE("metrics render counters and a cumulative histogram", "[server][unit]") {
  Metrics m;
  m.connection_opened();
  m.connection_opened();
  m.connection_closed();
  m.turn(200us, std::nullopt, true, false, "urgent");
  m.turn(30ms, guidechat::protocol::ErrorCode::kBadOption, false, true, "");
  m.error(guidechat::protocol::ErrorCode::kRateLimited);
  auto text = m.render();
  CHECK(text.find("guidechat_connections_total 2\n") != std::string::npos);
  CHECK(text.find("guidechat_connections_open 1\n") != std::string::npos);
  CHECK(text.find("guidechat_turns_total 2\n") != std::string::npos);
  CHECK(text.find("guidechat_fallbacks_total 1\n") != std::string::npos);
  CHECK(text.find("guidechat_sessions_resumed_total 1\n") != std::string::npos);
  CHECK(text.find("guidechat_outcomes_total{level=\"urgent\"} 1\n") != std::string::npos);
  CHECK(text.find("guidechat_errors_total{code=\"bad_option\"} 1\n") != std::string::npos);
  CHECK(text.find("guidechat_rate_limited_total 1\n") != std::string::npos);
  CHECK(text.find("guidechat_turn_seconds_bucket{le=\"0.00025\"} 1\n") != std::string::npos);
  CHECK(text.find("guidechat_turn_seconds_bucket{le=\"0.025\"} 1\n") != std::string::npos);
  CHECK(text.find("guidechat_turn_seconds_bucket{le=\"0.05\"} 2\n") != std::string::npos);
  CHECK(text.find("guidechat_turn_seconds_count 2\n") != std::string::npos);
}

TEST_CASE("CSP: no inline script, this host's WebSocket, allowed framers", "[server][unit]") {
  OriginCheck origins({"https://clinic.example"});
  auto csp = HttpRouter::csp("guide.example:8080", origins);
  CHECK(csp.find("script-src 'self';") != std::string::npos);
  CHECK(csp.find("connect-src 'self' ws://guide.example:8080 wss://guide.example:8080;") !=
        std::string::npos);
  CHECK(csp.find("frame-ancestors 'self' https://clinic.example;") != std::string::npos);
  // A hostile Host header cannot inject directives.
  auto evil = HttpRouter::csp("x; script-src *", origins);
  CHECK(evil.find("script-src *") == std::string::npos);
  CHECK(evil.find("connect-src 'self';") != std::string::npos);
}
