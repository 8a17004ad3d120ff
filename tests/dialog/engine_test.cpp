#include <catch2/catch.hpp>

#include <random>

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
  // The server keeps nothing, but a token from before the reset still
  // restores those answers: the reply must not claim they are forgotten.
  REQUIRE(!reset.parts.empty());
  CHECK(reset.parts[0].text.find("forgotten") == std::string::npos);
  CHECK(reset.parts[0].text.find("no longer used") != std::string::npos);
  Turn after = e.handle(reset.state, bare(ClientType::kSummary));
  CHECK(after.parts[0].items.empty());
}

TEST_CASE("invariants hold over many random conversations") {
  // Random mixes of buttons, typed answers, questions, red flags, small talk
  // and garbage. Whatever is sent: errors leave the state alone; a pending
  // question is always shown in the reply that leaves it pending (and is
  // the last part); a flow never answers with a fallback; every outcome and
  // answer names a real section and quotes it; the state round-trips.
  const Engine& e = *env().engine;
  const FlowSet& flows = *env().flows;
  const std::vector<std::string> texts = {"yes",
                                          "no",
                                          "not really",
                                          "a little",
                                          "a lot",
                                          "his eyes and lips",
                                          "all of them",
                                          "it doesn't hurt",
                                          "every day",
                                          "a few seconds",
                                          "mild",
                                          "very strong",
                                          "stress",
                                          "nothing",
                                          "2",
                                          "1 and 3",
                                          "what causes facial spasms?",
                                          "when should he see a doctor?",
                                          "he can't speak",
                                          "no trouble chewing",
                                          "hello",
                                          "thanks",
                                          "bye",
                                          "stop",
                                          "show my answers",
                                          "start over",
                                          "my eye keeps twitching",
                                          "qwerty asdf",
                                          "",
                                          "   ",
                                          "\xF0\x9F\x98\x80",
                                          "what is the capital of France?",
                                          "check my symptoms",
                                          std::string(3000, 'a'),
                                          "they don't help",
                                          "neither",
                                          "not yet"};
  std::mt19937 rng(7);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  for (int conv = 0; conv < 300; ++conv) {
    State s;
    for (int turn = 0; turn < 25; ++turn) {
      ClientMessage m;
      switch (pick(6)) {
        case 0:
          m = start(flows.flows()[pick(flows.flows().size())].id);
          break;
        case 1:
        case 2: {
          // A choose, right or wrong.
          const Flow* f = flows.find(s.flow);
          const Node* n = f ? f->find(s.node) : nullptr;
          std::vector<std::string> opts;
          if (n != nullptr) {
            for (const auto& o : n->options) {
              if (pick(3) == 0) opts.push_back(o.id);
            }
            if (opts.empty()) opts.push_back(n->options[pick(n->options.size())].id);
          } else {
            opts.push_back("yes");
          }
          m = choose(pick(8) == 0 ? "nope" : s.node, opts);
          break;
        }
        case 3:
          m = bare(pick(2) ? ClientType::kSummary : ClientType::kReset);
          break;
        default:
          m = say(texts[pick(texts.size())]);
      }
      Turn t = e.handle(s, m);
      if (t.error) {
        CHECK(t.state == s);
        continue;
      }
      auto back = decode_state(encode_state(t.state));
      REQUIRE(back.ok());
      CHECK(*back == t.state);
      int asks = 0;
      for (std::size_t i = 0; i < t.parts.size(); ++i) {
        const auto& p = t.parts[i];
        if (p.type == PartType::kAsk) {
          ++asks;
          CHECK(i + 1 == t.parts.size());
          CHECK(p.id == t.state.node);
        }
        if (p.type == PartType::kOutcome && p.source.guide == kEmergencyGuide) {
          bool known = false;
          for (const auto& k : env().flows->emergencies()) known = known || k.id == p.emergency;
          CHECK(known);
          CHECK(i == 0);  // an emergency comes first
          continue;
        }
        if (p.type == PartType::kOutcome || p.type == PartType::kAnswer) {
          const auto* section = env().kb->find(p.source.section);
          REQUIRE(section != nullptr);
          CHECK(p.source.title == section->title);
          CHECK_FALSE(p.text.empty());
        }
        if (p.type == PartType::kFallback) CHECK(t.state.node.empty());
        if (p.type == PartType::kFallback) CHECK(s.node.empty());
      }
      CHECK(asks <= 1);
      // A pending question is shown, unless the reply is urgent: then the
      // flow is paused and shown again when the person goes on.
      bool urgent =
          !t.parts.empty() && t.parts[0].type == PartType::kOutcome && t.parts[0].level == "urgent";
      if (!t.state.node.empty() && !urgent) CHECK(asks == 1);
      s = t.state;
    }
  }
}

TEST_CASE("a message in another language is told that only English is understood") {
  const Engine& e = *env().engine;
  const std::string english_only = env().flows->language().english_only;
  REQUIRE_FALSE(english_only.empty());
  for (const char* text : {"Hola, mi madre tiene espasmos en la cara, ¿qué puedo hacer?",
                           "Bonjour, mon oeil tremble depuis trois jours, que faire ?"}) {
    Turn t = e.handle(State{}, say(text));
    REQUIRE(t.parts.size() == 1);
    CHECK(t.parts[0].text == english_only);
  }
  // Mid-flow, the question is asked again.
  Turn flow = e.handle(State{}, start("see-doctor"));
  Turn t = e.handle(flow.state, say("no entiendo la pregunta, lo siento mucho"));
  CHECK(t.parts.front().text == english_only);
  CHECK(t.parts.back().type == PartType::kAsk);
  // English in texting shorthand is English; an emergency in Spanish is an emergency.
  CHECK(e.handle(State{}, say("wat shud i tel the doc abt my spasms")).parts[0].text !=
        english_only);
  Turn urgent = e.handle(State{}, say("mi madre no puede respirar, ayuda"));
  CHECK(urgent.parts[0].type == PartType::kOutcome);
}

TEST_CASE("a reset, asked for or typed, is marked as one") {
  const Engine& e = *env().engine;
  Turn flow = e.handle(State{}, start("see-doctor"));
  CHECK_FALSE(flow.reset);
  CHECK(e.handle(flow.state, bare(ClientType::kReset)).reset);
  Turn typed = e.handle(flow.state, say("let's start over"));
  CHECK(typed.reset);
  CHECK(typed.state.node.empty());
  CHECK_FALSE(e.handle(flow.state, say("what causes it?")).reset);
}
