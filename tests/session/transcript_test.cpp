// The transcript runner (session/transcript.hpp): its matcher, and a short
// transcript through session::Conversation with coverage and a resumed
// token. The shipped transcripts themselves run once, in ctest
// dialog_check_coverage (`guidechat check --coverage --via-chat`).
#include "session/transcript.hpp"

#include <catch2/catch.hpp>

#include "test_env.hpp"

using namespace guidechat;
using guidechat::dialog::testing::env;
using nlohmann::json;

TEST_CASE("the transcript matcher is strict where it should be") {
  using session::json_matches;
  json actual = json::parse(R"([{"type":"ask","id":"pain","options":[{"id":"a"},{"id":"b"}]}])");
  CHECK(json_matches(json::parse(R"([{"type":"ask"}])"), actual));
  CHECK(json_matches(json::parse(R"([{"id":"pain","options":[{},{"id":"b"}]}])"), actual));
  CHECK_FALSE(json_matches(json::parse(R"([{"type":"ask"},{"type":"text"}])"), actual));
  CHECK_FALSE(json_matches(json::parse(R"([{"type":"outcome"}])"), actual));
  CHECK_FALSE(json_matches(json::parse(R"([{"options":[{"id":"a"}]}])"), actual));
  CHECK_FALSE(json_matches(json::parse(R"([{"text_contains":"x"}])"), actual));
}

TEST_CASE("a transcript runs through session::Conversation, recording coverage") {
  session::Transcript t;
  t.file = "inline";
  t.steps = json::parse(R"([
    {"send": {"type": "say", "text": "check my symptoms please"},
     "expect": [{"type": "text"}, {"type": "ask", "id": "where"}]},
    {"send": {"type": "choose", "ask": "where", "options": ["eyes"]},
     "expect": [{"type": "ask", "id": "duration"}]},
    {"send": {"type": "hello", "session": "$last"}, "expect_includes": [{"type": "ask", "id": "duration"}]},
    {"send": {"type": "choose", "ask": "pain", "options": ["a-lot"]}, "error": "unknown_ask"}
  ])");
  session::Coverage coverage;
  session::ConversationDriver driver(*env().engine, &coverage);
  auto failures = session::run_transcript(t, driver);
  for (const auto& f : failures) UNSCOPED_INFO(f);
  CHECK(failures.empty());
  auto counts = coverage.counts(*env().flows);
  CHECK(counts[0] >= 2);  // the start and "where" nodes at least
  CHECK(counts[0] < counts[1]);
  CHECK(counts[2] >= 1);  // the option "eyes"

  // A failing expectation is reported with its file and step.
  t.steps = json::parse(
      R"([{"send": {"type": "say", "text": "hello"}, "expect": [{"type": "outcome"}]}])");
  session::ConversationDriver fresh(*env().engine, nullptr);
  failures = session::run_transcript(t, fresh);
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].find("inline: step 1") != std::string::npos);
}
