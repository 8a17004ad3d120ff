// The server's life: start-up time, resume across a restart with the same
// key (and not with another), tampered tokens, graceful shutdown on SIGTERM.
#include <catch2/catch.hpp>

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "conversation_helpers.hpp"
#include "server_process.hpp"
#include "time_scale.hpp"
#include "ws_client.hpp"

using namespace guidechat::testing;
using nlohmann::json;

namespace {

// Starts the first flow and answers its first question; returns the last
// reply (holding the next pending ask, if any).
json start_and_answer_once(WsClient& ws) {
  json welcome = ws.receive_json();
  REQUIRE(welcome["type"] == "welcome");
  REQUIRE(ws.send_json({{"type", "start"}, {"id", 1}, {"flow", welcome["flows"][0]["id"]}}));
  json r = ws.receive_json();
  json ask = find_part(r, "ask");
  REQUIRE(ask.is_object());
  REQUIRE(ws.send_json(first_choice(ask, 2)));
  return ws.receive_json();
}

}  // namespace

TEST_CASE("start-up logs ready as JSON with its time", "[server][lifecycle]") {
  ServerProcess server;
  REQUIRE(server.ready());
  auto logs = server.logs();
  auto ready = std::find_if(logs.begin(), logs.end(), [](const std::string& l) {
    return l.find("\"event\":\"ready\"") != std::string::npos;
  });
  REQUIRE(ready != logs.end());
  json j = json::parse(*ready);
  CHECK(j["level"] == "info");
  // The 50 ms target is measured in bench/; this only catches a gross regression.
  CHECK(j["startup_ms"].get<double>() < scaled(std::chrono::seconds(1)).count());
  for (const auto& line : logs) CHECK(json::parse(line, nullptr, false).is_object());
}

TEST_CASE("a conversation resumes across a restart with the same key", "[server][lifecycle]") {
  json before;
  std::string token;
  {
    ServerProcess first;
    REQUIRE(first.ready());
    auto ws = WsClient::connect(first.port());
    REQUIRE(ws);
    before = start_and_answer_once(*ws);
    REQUIRE(before["type"] == "reply");
    token = before["session"];
    first.signal(SIGTERM);
    CHECK(first.wait(scaled(std::chrono::seconds(3))) == 0);
  }
  json pending = find_part(before, "ask");

  SECTION("same key: exactly where it was") {
    ServerProcess second;
    REQUIRE(second.ready());
    auto ws = WsClient::connect_welcomed(second.port());
    REQUIRE(ws);
    REQUIRE(ws->send_json({{"type", "hello"}, {"id", "h"}, {"session", token}}));
    json r = ws->receive_json();
    REQUIRE(r["type"] == "reply");
    CHECK(r["reply_to"] == "h");
    CHECK(find_part(r, "text").is_object());
    if (pending.is_object()) {
      json again = find_part(r, "ask");
      REQUIRE(again.is_object());
      CHECK(again["id"] == pending["id"]);
      // And the conversation goes on from there.
      REQUIRE(ws->send_json(first_choice(again, 3)));
      json next = ws->receive_json();
      CHECK(next["type"] == "reply");
      CHECK(next["reply_to"] == 3);
    }
    auto m = http_request(second.port(), "GET", "/metrics");
    CHECK(m.body.find("guidechat_sessions_resumed_total 1") != std::string::npos);
  }

  SECTION("another key: bad_session and a fresh conversation") {
    ServerProcess other(ServerProcess::with({}, std::string(64, 'f')));
    REQUIRE(other.ready());
    auto ws = WsClient::connect_welcomed(other.port());
    REQUIRE(ws);
    REQUIRE(ws->send_json({{"type", "hello"}, {"id", 1}, {"session", token}}));
    json e = ws->receive_json();
    CHECK(e["type"] == "error");
    CHECK(e["code"] == "bad_session");
    REQUIRE(ws->send_json({{"type", "summary"}, {"id", 2}}));
    CHECK(ws->receive_json()["reply_to"] == 2);
    auto m = http_request(other.port(), "GET", "/metrics");
    CHECK(m.body.find("guidechat_tokens_refused_total 1") != std::string::npos);
  }

  SECTION("a tampered token: bad_session") {
    ServerProcess second;
    REQUIRE(second.ready());
    auto ws = WsClient::connect_welcomed(second.port());
    REQUIRE(ws);
    std::string tampered = token;
    char& c = tampered[tampered.size() / 2];
    c = c == 'A' ? 'B' : 'A';
    REQUIRE(ws->send_json({{"type", "hello"}, {"id", 1}, {"session", tampered}}));
    json e = ws->receive_json();
    CHECK(e["type"] == "error");
    CHECK(e["code"] == "bad_session");
  }
}

TEST_CASE("SIGTERM closes every WebSocket with 1001 and exits 0", "[server][lifecycle]") {
  ServerProcess server;
  REQUIRE(server.ready());
  auto a = WsClient::connect(server.port());
  auto b = WsClient::connect(server.port());
  REQUIRE(a);
  REQUIRE(b);
  REQUIRE(a->receive_json()["type"] == "welcome");
  REQUIRE(b->receive_json()["type"] == "welcome");
  // Replies the server has produced are all delivered, in order, before
  // the close frame: send a batch, wait for the first answer, then signal.
  for (int i = 0; i < 10; ++i) REQUIRE(a->send_json({{"type", "summary"}, {"id", i}}));
  REQUIRE(a->receive_json()["reply_to"] == 0);
  auto t0 = std::chrono::steady_clock::now();
  server.signal(SIGTERM);
  int next = 1;
  while (auto frame = a->receive()) {
    CHECK(json::parse(*frame)["reply_to"] == next);
    ++next;
  }
  CHECK(!a->receive());
  CHECK(a->close_code() == 1001);
  CHECK(!b->receive());
  CHECK(b->close_code() == 1001);
  CHECK(server.wait(scaled(std::chrono::seconds(2))) == 0);
  CHECK(std::chrono::steady_clock::now() - t0 < scaled(std::chrono::seconds(2)));
  // Nothing listens any more.
  CHECK(http_request(server.port(), "GET", "/healthz").status == 0);
}

namespace {

// The signal mask of `pid`'s main thread in /proc ("SigBlk", "SigIgn",
// "SigCgt"); 0 when it cannot be read.
std::uint64_t proc_sigmask(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0)
      return std::stoull(line.substr(field.size() + 1), nullptr, 16);
  }
  return 0;
}

}  // namespace

TEST_CASE("a SIGHUP while the server starts neither kills it nor is lost", "[server][lifecycle]") {
  // As soon as the process deals with SIGHUP at all (blocked, ignored or
  // caught: main() has started), send a few, long before the content is
  // loaded. The server must come up and do the reload once it can.
  constexpr std::uint64_t kHup = 1ull << (SIGHUP - 1);
  bool sent = false;
  ServerProcess::Options o;
  o.on_started = [&](pid_t pid) {
    const bool seen = eventually(
        [&] {
          return ((proc_sigmask(pid, "SigBlk") | proc_sigmask(pid, "SigIgn") |
                   proc_sigmask(pid, "SigCgt")) &
                  kHup) != 0;
        },
        10s, 0ms);
    if (!seen) return;
    for (int i = 0; i < 3; ++i) ::kill(pid, SIGHUP);
    sent = true;
  };
  ServerProcess server(o);
  REQUIRE(sent);
  REQUIRE(server.ready());
  auto reloaded = [&] {
    for (const auto& line : server.logs()) {
      if (line.find("\"event\":\"reloaded\"") != std::string::npos) return true;
    }
    return false;
  };
  CHECK(eventually(reloaded, 10s));
  CHECK(http_request(server.port(), "GET", "/healthz").status == 200);
  // And later ones as well.
  server.signal(SIGHUP);
  CHECK(eventually(
      [&] {
        auto m = http_request(server.port(), "GET", "/metrics");
        return m.body.find("guidechat_content_reloads_total{result=\"applied\"} 2") !=
                   std::string::npos ||
               m.body.find("guidechat_content_reloads_total{result=\"applied\"} 3") !=
                   std::string::npos;
      },
      10s));
}

TEST_CASE("SIGTERM answers every message already received before closing with 1001",
          "[server][lifecycle]") {
  // Pipelining clients: each sends a batch and does not wait. Whatever the
  // server has received when the shutdown begins is answered, in order;
  // nothing sent before the signal is silently dropped.
  ServerProcess server(
      ServerProcess::with({"--rate", "100000", "--burst", "100000", "--address-rate", "100000",
                           "--address-burst", "100000"}));
  REQUIRE(server.ready());
  constexpr int kClients = 8;
  // The shutdown grace (limits::kShutdownGrace) is the server's, not the
  // test's: a sanitized server answers fewer messages in it, so it gets
  // fewer to answer.
  const int kBatch = time_scale() > 1.0 ? 5 : 40;
  std::vector<std::unique_ptr<WsClient>> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.push_back(WsClient::connect_welcomed(server.port()));
    REQUIRE(clients.back());
  }
  for (auto& ws : clients) {
    for (int i = 0; i < kBatch; ++i) {
      REQUIRE(ws->send_json({{"type", "say"}, {"id", i}, {"text", "what triggers spasms?"}}));
    }
  }
  server.signal(SIGTERM);
  int lost = 0;
  for (auto& ws : clients) {
    int next = 0;
    while (auto frame = ws->receive()) {
      CHECK(json::parse(*frame)["reply_to"] == next);
      ++next;
    }
    CHECK(ws->close_code() == 1001);
    lost += kBatch - next;
  }
  CHECK(lost == 0);
  CHECK(server.wait(scaled(std::chrono::seconds(3))) == 0);
}

TEST_CASE("logs never hold what a person typed", "[server][lifecycle]") {
  ServerProcess server(ServerProcess::with({"--log-level", "debug"}));
  REQUIRE(server.ready());
  auto ws = WsClient::connect_welcomed(server.port());
  REQUIRE(ws);
  const std::string secret = "zebracorn spasms near my left eyelid";
  REQUIRE(ws->send_json({{"type", "say"}, {"id", 1}, {"text", secret}}));
  json reply = ws->receive_json();
  REQUIRE(reply["type"] == "reply");
  REQUIRE(ws->send("{\"type\":\"say\",\"text\":\"zebracorn"));  // bad_json with the text
  REQUIRE(ws->receive_json()["code"] == "bad_json");
  ws->close();
  server.signal(SIGTERM);
  server.wait(scaled(std::chrono::seconds(2)));
  bool saw_turn = false;
  for (const auto& line : server.logs()) {
    CHECK(line.find("zebracorn") == std::string::npos);
    CHECK(line.find("eyelid") == std::string::npos);
    if (line.find("\"event\":\"turn\"") != std::string::npos) saw_turn = true;
  }
  CHECK(saw_turn);
}

TEST_CASE("the key from a file, from the environment, or a random one", "[server][lifecycle]") {
  namespace fs = std::filesystem;
  fs::path key_file = fs::temp_directory_path() / ("guidechat-key-" + std::to_string(getpid()));
  std::ofstream(key_file) << kTestSessionKey << "\n";

  std::string token;
  {
    ServerProcess env_key;  // GUIDECHAT_SESSION_KEY
    REQUIRE(env_key.ready());
    auto ws = WsClient::connect(env_key.port());
    REQUIRE(ws);
    token = start_and_answer_once(*ws)["session"];
  }
  SECTION("--session-key-file holding the same key resumes") {
    ServerProcess from_file(ServerProcess::with({"--session-key-file", key_file.string()}, ""));
    REQUIRE(from_file.ready());
    auto ws = WsClient::connect_welcomed(from_file.port());
    REQUIRE(ws);
    REQUIRE(ws->send_json({{"type", "hello"}, {"session", token}}));
    CHECK(ws->receive_json()["type"] == "reply");
  }
  SECTION("without a key: a warning, and old tokens are refused") {
    ServerProcess random(ServerProcess::with({}, ""));
    REQUIRE(random.ready());
    bool warned = false;
    for (const auto& line : random.logs()) {
      if (line.find("\"event\":\"session_key_random\"") != std::string::npos &&
          line.find("\"level\":\"warning\"") != std::string::npos) {
        warned = true;
      }
    }
    CHECK(warned);
    auto ws = WsClient::connect_welcomed(random.port());
    REQUIRE(ws);
    REQUIRE(ws->send_json({{"type", "hello"}, {"session", token}}));
    CHECK(ws->receive_json()["code"] == "bad_session");
  }
  SECTION("a key that is too short is refused at start-up") {
    ServerProcess weak(ServerProcess::with({}, "short"));
    CHECK_FALSE(weak.ready());
    CHECK(weak.wait(scaled(std::chrono::seconds(2))) == 1);
  }
  fs::remove(key_file);
}

TEST_CASE("options can be set through the environment", "[server][lifecycle]") {
  ServerProcess::Options o = ServerProcess::with({});
  o.env = {"GUIDECHAT_MAX_CONNECTIONS_PER_IP=1"};
  ServerProcess server(o);
  REQUIRE(server.ready());
  auto first = WsClient::connect(server.port());
  REQUIRE(first);
  int status = 0;
  CHECK(WsClient::connect(server.port(), {}, &status) == nullptr);
  CHECK(status == 429);
}
