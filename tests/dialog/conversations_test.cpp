// Runs every transcript in tests/conversations/ through the real engine
// (counting node and option coverage of the shipped flows) and through the
// full protocol stack (session::Conversation: codec, sealed tokens, engine).
#include <catch2/catch.hpp>

#include "dialog/transcript.hpp"
#include "session/conversation.hpp"
#include "test_env.hpp"

using namespace guidechat;
using namespace guidechat::dialog;
using testing::env;

namespace {

class ConversationDriver : public Driver {
 public:
  ConversationDriver() : sealer_(session::TokenSealer::random()), conv_(sealer_, kTtl) {}
  nlohmann::json open() override {
    return nlohmann::json::parse(conv_.welcome(*env().engine, session::Clock::now()).frame);
  }
  nlohmann::json send(const std::string& frame) override {
    return nlohmann::json::parse(conv_.handle(frame, *env().engine, session::Clock::now()).frame);
  }

 private:
  static constexpr std::chrono::seconds kTtl{3600};
  session::TokenSealer sealer_;
  session::Conversation conv_;
};

std::vector<Transcript> transcripts() {
  auto t = load_transcripts(testing::source_dir() + "/tests/conversations");
  if (!t.ok()) FAIL(t.error());
  return *t;
}

}  // namespace

TEST_CASE("conversation transcripts pass through the engine, covering every node and option") {
  auto all = transcripts();
  REQUIRE(all.size() >= 8);
  Coverage coverage;
  for (const auto& t : all) {
    EngineDriver driver(*env().engine, &coverage);
    auto failures = run_transcript(t, driver);
    for (const auto& f : failures) UNSCOPED_INFO(f);
    CHECK(failures.empty());
  }
  auto missing = coverage.missing(*env().flows);
  for (const auto& m : missing) UNSCOPED_INFO("not covered: " << m);
  CHECK(missing.empty());
  auto c = coverage.counts(*env().flows);
  CHECK(c[0] == c[1]);
  CHECK(c[2] == c[3]);
}

TEST_CASE("conversation transcripts pass through the protocol stack") {
  for (const auto& t : transcripts()) {
    ConversationDriver driver;
    auto failures = run_transcript(t, driver);
    for (const auto& f : failures) UNSCOPED_INFO(f);
    CHECK(failures.empty());
  }
}

TEST_CASE("the transcript matcher is strict where it should be") {
  using nlohmann::json;
  json actual = json::parse(R"([{"type":"ask","id":"pain","options":[{"id":"a"},{"id":"b"}]}])");
  CHECK(json_matches(json::parse(R"([{"type":"ask"}])"), actual));
  CHECK(json_matches(json::parse(R"([{"id":"pain","options":[{},{"id":"b"}]}])"), actual));
  CHECK_FALSE(json_matches(json::parse(R"([{"type":"ask"},{"type":"text"}])"), actual));
  CHECK_FALSE(json_matches(json::parse(R"([{"type":"outcome"}])"), actual));
  CHECK_FALSE(json_matches(json::parse(R"([{"options":[{"id":"a"}]}])"), actual));
  CHECK_FALSE(json_matches(json::parse(R"([{"text_contains":"x"}])"), actual));
}
