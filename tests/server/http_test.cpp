// The HTTP side of `guidechat serve`: health, metrics, the web-client files
// with their headers, and the refusals (404, 405, 426, no path traversal).
#include <algorithm>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "server_process.hpp"
#include "ws_client.hpp"

using namespace guidechat::testing;

TEST_CASE("healthz, metrics and static files", "[server][http]") {
  ServerProcess server;
  REQUIRE(server.ready());
  auto port = server.port();

  SECTION("healthz reports the loaded content") {
    auto r = http_request(port, "GET", "/healthz");
    REQUIRE(r.status == 200);
    auto j = nlohmann::json::parse(r.body);
    CHECK(j["status"] == "ok");
    CHECK(j["sections"].get<int>() > 0);
    CHECK(j["flows"].get<int>() > 0);
    CHECK(r.headers["content-type"] == "application/json");
  }

  SECTION("metrics in the Prometheus text format") {
    auto ws = WsClient::connect_welcomed(port);
    REQUIRE(ws);
    REQUIRE(ws->send(R"({"type":"summary","id":1})"));
    REQUIRE(ws->receive_json()["type"] == "reply");
    REQUIRE(ws->send("not json"));
    REQUIRE(ws->receive_json()["code"] == "bad_json");
    auto r = http_request(port, "GET", "/metrics");
    REQUIRE(r.status == 200);
    CHECK(r.headers["content-type"].rfind("text/plain; version=0.0.4", 0) == 0);
    for (const char* line :
         {"guidechat_connections_total 1", "guidechat_connections_open 1",
          "guidechat_turns_total 2", "guidechat_errors_total{code=\"bad_json\"} 1",
          "guidechat_turn_seconds_count 2", "guidechat_turn_seconds_bucket{le=\"+Inf\"} 2",
          "guidechat_fallbacks_total 0", "guidechat_sessions_resumed_total 0",
          "guidechat_tokens_refused_total 0", "guidechat_rate_limited_total 0",
          "# TYPE guidechat_turn_seconds histogram"}) {
      INFO(line);
      CHECK(r.body.find(line) != std::string::npos);
    }
  }

  SECTION("search cache counters: a question asked again in other words is a hit") {
    auto ws = WsClient::connect_welcomed(port);
    REQUIRE(ws);
    // Each I/O thread has its own cache (one per core here): after every
    // thread has seen the question once, the rest are hits.
    const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int asks = threads + 4;
    for (int i = 0; i < asks; ++i) {
      const char* text =
          i % 2 ? "hello, what treatments are there please" : "what treatments are there?";
      REQUIRE(ws->send(nlohmann::json{{"type", "say"}, {"id", i}, {"text", text}}.dump()));
      auto reply = ws->receive_json();
      REQUIRE(reply["type"] == "reply");
      REQUIRE(reply["parts"][0]["type"] == "answer");
    }
    auto r = http_request(port, "GET", "/metrics");
    REQUIRE(r.status == 200);
    INFO(r.body);
    CHECK(r.body.find("# TYPE guidechat_search_cache_hits_total counter") != std::string::npos);
    auto counter = [&](const std::string& name) {
      auto at = r.body.find("\n" + name + " ");
      REQUIRE(at != std::string::npos);
      return std::stoi(r.body.substr(at + name.size() + 2));
    };
    const int hits = counter("guidechat_search_cache_hits_total");
    const int misses = counter("guidechat_search_cache_misses_total");
    CHECK(hits + misses == asks);
    CHECK(misses >= 1);
    CHECK(misses <= threads);
  }

  SECTION("the chat page with strict security headers") {
    auto r = http_request(port, "GET", "/");
    REQUIRE(r.status == 200);
    CHECK(r.headers["content-type"] == "text/html; charset=utf-8");
    CHECK(r.headers["x-content-type-options"] == "nosniff");
    CHECK(r.headers["referrer-policy"] == "no-referrer");
    CHECK(r.headers["cache-control"] == "no-cache");
    const auto& csp = r.headers["content-security-policy"];
    CHECK(csp.find("default-src 'self'") != std::string::npos);
    CHECK(csp.find("script-src 'self';") != std::string::npos);
    CHECK(csp.find("unsafe-inline") == std::string::npos);
    CHECK(csp.find("unsafe-eval") == std::string::npos);
    CHECK(csp.find("ws://127.0.0.1:" + std::to_string(port)) != std::string::npos);
    CHECK(csp.find("frame-ancestors 'self'") != std::string::npos);
    CHECK(r.body.find("<html") != std::string::npos);

    auto etag = r.headers["etag"];
    REQUIRE(etag.size() > 2);
    auto again = http_request(port, "GET", "/", {{"If-None-Match", etag}});
    CHECK(again.status == 304);
    CHECK(again.body.empty());

    auto head = http_request(port, "HEAD", "/");
    CHECK(head.status == 200);
    CHECK(head.headers["content-length"] == std::to_string(r.body.size()));
  }

  SECTION("the widget script and styles") {
    auto js = http_request(port, "GET", "/guidechat.js");
    REQUIRE(js.status == 200);
    CHECK(js.headers["content-type"] == "text/javascript; charset=utf-8");
    CHECK(js.headers["cache-control"].find("max-age") != std::string::npos);
    CHECK(!js.body.empty());
    auto css = http_request(port, "GET", "/guidechat.css?v=1");
    CHECK(css.status == 200);
    CHECK(css.headers["content-type"] == "text/css; charset=utf-8");
  }

  SECTION("refusals") {
    CHECK(http_request(port, "GET", "/nope.html").status == 404);
    CHECK(http_request(port, "GET", "/../CMakeLists.txt").status == 404);
    CHECK(http_request(port, "GET", "/..%2fCMakeLists.txt").status == 404);
    CHECK(http_request(port, "GET", "//etc/passwd").status == 404);
    CHECK(http_request(port, "GET", "/.git/config").status == 404);
    auto post = http_request(port, "POST", "/");
    CHECK(post.status == 405);
    CHECK(post.headers["allow"] == "GET, HEAD");
    CHECK(http_request(port, "GET", "/ws").status == 426);
    auto metrics = http_request(port, "GET", "/metrics");
    CHECK(metrics.body.find("guidechat_http_requests_total{status=\"404\"} 5") !=
          std::string::npos);
  }

  SECTION("a WebSocket upgrade elsewhere than /ws is refused") {
    int status = 0;
    WsClient::Options o;
    o.target = "/chat";
    CHECK(WsClient::connect(port, o, &status) == nullptr);
    CHECK(status == 404);
  }
}

TEST_CASE("malformed and oversize HTTP requests get a status, then a close", "[server][http]") {
  ServerProcess server;
  REQUIRE(server.ready());
  auto port = server.port();
  CHECK(http_request(port, "GET", "/", {{"X-Big", std::string(10000, 'a')}}).status == 431);
  // Still serving.
  CHECK(http_request(port, "GET", "/healthz").status == 200);
}
