#include <catch2/catch.hpp>

#include "dialog/summary.hpp"
#include "test_env.hpp"

using namespace guidechat::dialog;
using guidechat::protocol::ClientMessage;
using guidechat::protocol::ClientType;
using guidechat::protocol::ErrorCode;
using guidechat::protocol::PartType;
using testing::env;

namespace {

ClientMessage say(std::string text) {
  ClientMessage m;
  m.type = ClientType::kSay;
  m.text = std::move(text);
  return m;
}
ClientMessage start(std::string flow) {
  ClientMessage m;
  m.type = ClientType::kStart;
  m.flow = std::move(flow);
  return m;
}
ClientMessage bare(ClientType type) {
  ClientMessage m;
  m.type = type;
  return m;
}
ClientMessage choose(std::string ask, std::vector<std::string> options) {
  ClientMessage m;
  m.type = ClientType::kChoose;
  m.ask = std::move(ask);
  m.options = std::move(options);
  return m;
}

}  // namespace

TEST_CASE("errors leave the state unchanged") {
  const Engine& e = *env().engine;
  Turn t = e.handle(State{}, start("see-doctor"));
  REQUIRE_FALSE(t.error);
  State s = t.state;
  CHECK(s.node == "speech");

  auto err = [&](const ClientMessage& m, ErrorCode code) {
    Turn r = e.handle(s, m);
    REQUIRE(r.error);
    CHECK(r.error->code == code);
    CHECK(r.state == s);
  };
  err(start("no-such-flow"), ErrorCode::kUnknownFlow);
  err(choose("pain", {"yes"}), ErrorCode::kUnknownAsk);
  err(choose("speech", {"maybe"}), ErrorCode::kBadOption);
  err(choose("speech", {"yes", "no"}), ErrorCode::kBadOption);
  err(choose("speech", {}), ErrorCode::kBadOption);
  Turn none = e.handle(State{}, choose("speech", {"yes"}));
  REQUIRE(none.error);
  CHECK(none.error->code == ErrorCode::kUnknownAsk);
}

TEST_CASE("the engine is deterministic and keeps state small") {
  const Engine& e = *env().engine;
  std::vector<ClientMessage> script = {
      start("symptom-check"),
      choose("where", {"eyes", "lips"}),
      say("a few minutes"),
      say("what causes it?"),
      choose("frequency", {"daily"}),
      say("noticeable"),
      say("a little"),
      say("no"),
      say("stress"),
  };
  auto run = [&] {
    State s;
    std::vector<std::string> out;
    for (const auto& m : script) {
      Turn t = e.handle(s, m);
      REQUIRE_FALSE(t.error);
      s = t.state;
      out.push_back(encode_state(s));
      for (const auto& p : t.parts) out.push_back(p.text);
    }
    return out;
  };
  CHECK(run() == run());
}

TEST_CASE("a state from edited flows resumes cleanly") {
  const Engine& e = *env().engine;
  State stale{"gone-flow", "gone-node", {{"pain", {"a-lot"}}}};
  Turn r = e.resume(stale);
  CHECK(r.state.flow.empty());
  CHECK(r.state.answers == stale.answers);
  REQUIRE(r.parts.size() == 1);
  Turn t = e.handle(stale, say("yes"));
  REQUIRE_FALSE(t.error);
  CHECK(t.state.flow.empty());
}

TEST_CASE("summary and reset") {
  const Engine& e = *env().engine;
  State s;
  for (const auto& m : {start("see-doctor"), choose("speech", {"no"}), choose("pain", {"no"})}) {
    s = e.handle(s, m).state;
  }
  Turn sum = e.handle(s, bare(ClientType::kSummary));
  REQUIRE(sum.parts.size() == 2);  // the summary, then the pending ask again
  CHECK(sum.parts[0].type == PartType::kSummary);
  REQUIRE(sum.parts[0].items.size() == 2);
  CHECK(sum.parts[0].items[1].question == "Are the spasms very bad, or do they hurt a lot?");
  CHECK(sum.parts[0].items[1].answer == "No");
  CHECK(sum.parts[1].type == PartType::kAsk);
  CHECK(sum.parts[1].id == "long");
  Turn reset = e.handle(s, bare(ClientType::kReset));
  CHECK(reset.state == State{});
  Turn after = e.handle(reset.state, bare(ClientType::kSummary));
  CHECK(after.parts[0].items.empty());
}
