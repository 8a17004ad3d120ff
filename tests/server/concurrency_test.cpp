// 200 conversations at once on one server, each driven through a guided
// flow to its outcome with two messages in flight at every step: no reply
// may be lost, duplicated or answered out of order.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/resource.h>

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "conversation_helpers.hpp"
#include "server_process.hpp"
#include "time_scale.hpp"
#include "ws_client.hpp"

using namespace guidechat::testing;
using nlohmann::json;

namespace {

constexpr int kClients = 200;
constexpr int kMaxSteps = 40;

struct Patient {
  std::unique_ptr<WsClient> ws;
  int next_id = 1;
  json last;          // the last reply to a start/choose
  bool done = false;  // an outcome was reached
  std::string level;
};

void raise_fd_limit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
}

}  // namespace

TEST_CASE("200 concurrent conversations each reach an outcome", "[server][concurrency]") {
  raise_fd_limit();
  // One I/O thread (no strands: the benchmark's setting) and two (strands).
  const std::string threads = GENERATE(as<std::string>{}, "1", "2");
  INFO("--threads " << threads);
  ServerProcess server(ServerProcess::with({"--max-connections-per-ip", "1000", "--rate", "1000",
                                            "--burst", "1000", "--address-rate", "1000000",
                                            "--address-burst", "1000000", "--threads", threads}));
  REQUIRE(server.ready());

  std::vector<Patient> patients(kClients);
  std::string flow;
  for (auto& p : patients) {
    p.ws = WsClient::connect(server.port());
    REQUIRE(p.ws);
  }
  for (auto& p : patients) {
    json welcome = p.ws->receive_json();
    REQUIRE(welcome["type"] == "welcome");
    flow = welcome["flows"][0]["id"];
  }

  // Every round: each patient sends its next step and a summary request
  // back to back; then every reply is read and checked.
  auto start = std::chrono::steady_clock::now();
  int lost_or_misordered = 0;
  for (int step = 0; step < kMaxSteps; ++step) {
    int active = 0;
    for (auto& p : patients) {
      if (p.done) continue;
      ++active;
      json message;
      if (step == 0) {
        message = {{"type", "start"}, {"id", p.next_id}, {"flow", flow}};
      } else {
        json ask = find_part(p.last, "ask");
        REQUIRE(ask.is_object());
        message = first_choice(ask, p.next_id);
      }
      REQUIRE(p.ws->send_json(message));
      REQUIRE(p.ws->send_json({{"type", "summary"}, {"id", p.next_id + 1}}));
    }
    if (active == 0) break;
    for (auto& p : patients) {
      if (p.done) continue;
      json step_reply = p.ws->receive_json();
      json summary_reply = p.ws->receive_json();
      if (step_reply["reply_to"] != p.next_id || summary_reply["reply_to"] != p.next_id + 1 ||
          step_reply["type"] != "reply" || summary_reply["type"] != "reply") {
        ++lost_or_misordered;
        p.done = true;
        continue;
      }
      p.next_id += 2;
      p.last = step_reply;
      json outcome = find_part(step_reply, "outcome");
      if (outcome.is_object()) {
        p.done = true;
        p.level = outcome["level"];
      }
    }
  }
  auto elapsed = std::chrono::steady_clock::now() - start;
  CHECK(lost_or_misordered == 0);
  int reached = 0;
  for (const auto& p : patients) reached += p.level.empty() ? 0 : 1;
  CHECK(reached == kClients);
  WARN("200 conversations to an outcome in "
       << std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() << " ms");

  auto m = http_request(server.port(), "GET", "/metrics");
  CHECK(m.body.find("guidechat_connections_open 200") != std::string::npos);

  // Shutting down under load: every client gets 1001, the process exits 0
  // (under ThreadSanitizer a data race would make the exit status 66).
  auto t0 = std::chrono::steady_clock::now();
  server.signal(SIGTERM);
  int going_away = 0;
  for (auto& p : patients) {
    if (!p.ws->receive() && p.ws->close_code() == 1001) ++going_away;
  }
  CHECK(going_away == kClients);
  CHECK(server.wait(scaled(std::chrono::seconds(3))) == 0);
  CHECK(std::chrono::steady_clock::now() - t0 < scaled(std::chrono::seconds(3)));
}
