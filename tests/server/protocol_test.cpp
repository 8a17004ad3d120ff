// The protocol as served on /ws: every client message type and every error
// code a client can provoke, with reply_to echoed and exactly one answer per
// message, in order.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "conversation_helpers.hpp"
#include "server_process.hpp"
#include "ws_client.hpp"

using namespace guidechat::testing;
using nlohmann::json;

namespace {

json ask_and_wait(WsClient& ws, const json& message) {
  REQUIRE(ws.send_json(message));
  return ws.receive_json();
}

}  // namespace

TEST_CASE("every message type over a real WebSocket", "[server][protocol]") {
  ServerProcess server;
  REQUIRE(server.ready());
  auto ws = WsClient::connect(server.port());
  REQUIRE(ws);

  json welcome = ws->receive_json();
  REQUIRE(welcome["type"] == "welcome");
  REQUIRE(welcome["session"].is_string());
  CHECK(welcome["session"].get<std::string>().rfind("v1.", 0) == 0);
  REQUIRE(welcome["flows"].is_array());
  REQUIRE(!welcome["flows"].empty());
  CHECK(welcome["flows"][0]["id"].is_string());
  CHECK(welcome["flows"][0]["title"].is_string());
  CHECK(find_part(welcome, "text").is_object());
  std::string flow = welcome["flows"][0]["id"];

  SECTION("say: an answer from the guide, with its source") {
    json r = ask_and_wait(
        *ws,
        {{"type", "say"}, {"id", 1}, {"text", "when should I see a doctor about facial spasms?"}});
    REQUIRE(r["type"] == "reply");
    CHECK(r["reply_to"] == 1);
    CHECK(r["session"].is_string());
    CHECK(r["session"] != welcome["session"]);
    json answer = find_part(r, "answer");
    REQUIRE(answer.is_object());
    CHECK(!answer["source"]["section"].get<std::string>().empty());
    CHECK(answer["score"].get<double>() > 0.0);
    CHECK(answer["score"].get<double>() <= 1.0);
  }

  SECTION("say: off-topic gets a fallback with suggestions") {
    json r = ask_and_wait(
        *ws,
        {{"type", "say"}, {"id", "q"}, {"text", "what is the best recipe for chocolate cake?"}});
    REQUIRE(r["type"] == "reply");
    CHECK(r["reply_to"] == "q");
    json fb = find_part(r, "fallback");
    REQUIRE(fb.is_object());
    CHECK(fb["suggestions"].is_array());
  }

  SECTION("start, choose until an outcome, summary, reset") {
    json r = ask_and_wait(*ws, {{"type", "start"}, {"id", 10}, {"flow", flow}});
    REQUIRE(r["type"] == "reply");
    CHECK(r["reply_to"] == 10);
    int id = 11;
    json outcome;
    for (int step = 0; step < 40 && outcome.is_null(); ++step) {
      json ask = find_part(r, "ask");
      outcome = find_part(r, "outcome");
      if (!outcome.is_null()) break;
      REQUIRE(ask.is_object());
      REQUIRE(!ask["options"].empty());
      r = ask_and_wait(*ws, first_choice(ask, id));
      REQUIRE(r["type"] == "reply");
      CHECK(r["reply_to"] == id);
      ++id;
      outcome = find_part(r, "outcome");
    }
    REQUIRE(outcome.is_object());
    CHECK((outcome["level"] == "urgent" || outcome["level"] == "doctor" ||
           outcome["level"] == "self-care"));
    CHECK(!outcome["source"]["section"].get<std::string>().empty());

    json s = ask_and_wait(*ws, {{"type", "summary"}, {"id", "s"}});
    REQUIRE(s["type"] == "reply");
    json summary = find_part(s, "summary");
    REQUIRE(summary.is_object());
    CHECK(!summary["items"].empty());

    json reset = ask_and_wait(*ws, {{"type", "reset"}, {"id", "r"}});
    REQUIRE(reset["type"] == "reply");
    CHECK(reset["reply_to"] == "r");
    json after = ask_and_wait(*ws, {{"type", "summary"}});
    REQUIRE(after["type"] == "reply");
    CHECK(!after.contains("reply_to"));
    json summary2 = find_part(after, "summary");
    CHECK((summary2.is_null() || summary2["items"].empty()));
  }

  SECTION("hello without a token keeps the conversation going") {
    json r = ask_and_wait(*ws, {{"type", "hello"}, {"id", 5}});
    REQUIRE(r["type"] == "reply");
    CHECK(r["reply_to"] == 5);
  }

  SECTION("error codes") {
    auto error_of = [&](const std::string& frame) {
      REQUIRE(ws->send(frame));
      json e = ws->receive_json();
      REQUIRE(e["type"] == "error");
      CHECK(e["message"].is_string());
      CHECK(!e["message"].get<std::string>().empty());
      return e;
    };
    CHECK(error_of("{not json")["code"] == "bad_json");
    CHECK(error_of(R"({"type":"say","id":7})")["code"] == "bad_message");
    CHECK(error_of(R"({"type":"say","id":7})")["reply_to"] == 7);
    CHECK(error_of(R"({"type":"dance","id":8})")["code"] == "bad_message");
    CHECK(error_of(R"([1,2])")["code"] == "bad_message");
    CHECK(error_of(R"({"type":"start","id":9,"flow":"no-such-flow"})")["code"] == "unknown_flow");
    CHECK(
        error_of(R"({"type":"choose","id":9,"ask":"nothing-pending","options":["yes"]})")["code"] ==
        "unknown_ask");
    CHECK(
        error_of(
            R"({"type":"hello","id":3,"session":"v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"})")
            ["code"] == "bad_session");
    std::string long_text(5000, 'a');
    CHECK(error_of(json{{"type", "say"}, {"text", long_text}}.dump())["code"] == "too_large");

    // A pending ask answered with an option it does not have.
    json r = ask_and_wait(*ws, {{"type", "start"}, {"flow", flow}});
    json ask = find_part(r, "ask");
    REQUIRE(ask.is_object());
    json bad = {{"type", "choose"}, {"id", 4}, {"ask", ask["id"]}, {"options", {"not-an-option"}}};
    json e = error_of(bad.dump());
    CHECK(e["code"] == "bad_option");
    CHECK(e["reply_to"] == 4);

    // Binary frames are refused, and the connection stays usable.
    REQUIRE(ws->send_binary(R"({"type":"summary"})"));
    json bin = ws->receive_json();
    CHECK(bin["type"] == "error");
    CHECK(bin["code"] == "bad_message");
    CHECK(ask_and_wait(*ws, {{"type", "summary"}, {"id", 99}})["reply_to"] == 99);
  }

  SECTION("invalid UTF-8 in a text frame fails the WebSocket itself (1007)") {
    REQUIRE(ws->send("{\"type\":\"say\",\"text\":\"\xff\xfe\"}"));
    CHECK(!ws->receive());
    CHECK(ws->close_code() == 1007);
  }

  SECTION("pipelined messages are answered once each, in order") {
    for (int i = 0; i < 15; ++i) REQUIRE(ws->send_json({{"type", "summary"}, {"id", i}}));
    for (int i = 0; i < 15; ++i) {
      json r = ws->receive_json();
      REQUIRE(r["type"] == "reply");
      CHECK(r["reply_to"] == i);
    }
  }
}

TEST_CASE("several guides: welcome lists them; ?guide= keeps a connection to one",
          "[server][protocol]") {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::temp_directory_path() / ("guidechat-guides-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path src(GUIDECHAT_SOURCE_DIR);
  fs::copy_file(src / "knowledge/facial-spasm.md", dir / "facial-spasm.md");
  fs::copy_file(src / "examples/guides/tinnitus.md", dir / "tinnitus.md");
  ServerProcess server(ServerProcess::with({"--knowledge", dir.string()}));
  REQUIRE(server.ready());

  auto all = WsClient::connect(server.port());
  REQUIRE(all);
  json welcome = all->receive_json();
  REQUIRE(welcome["guides"].size() == 2);
  CHECK(welcome["guides"][1]["id"] == "tinnitus");
  CHECK(welcome["flows"][0]["guide"] == "facial-spasm");
  all->send_json({{"type", "say"}, {"text", "what are the treatments?"}, {"guide", "tinnitus"}});
  json reply = all->receive_json();
  REQUIRE(reply["type"] == "reply");
  CHECK(reply["parts"][0]["source"]["guide"] == "tinnitus");

  WsClient::Options kept;
  kept.target = "/ws?lang=en&guide=tinnitus";
  auto one = WsClient::connect(server.port(), kept);
  REQUIRE(one);
  json welcome_one = one->receive_json();
  CHECK(welcome_one["flows"].empty());  // the shipped flows are the other guide's
  one->send_json({{"type", "say"}, {"text", "when should I see a doctor?"}});
  json doctor = one->receive_json();
  REQUIRE(doctor["parts"].size() == 1);
  CHECK(doctor["parts"][0]["source"]["guide"] == "tinnitus");
  fs::remove_all(dir);
}
