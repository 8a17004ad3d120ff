// The load generator's frame scanner against frames built by the real
// protocol codec: if it misread reply_to or the pending ask, loadgen would
// report lost or misordered replies that never happened (or miss real ones).
#include <catch2/catch.hpp>

#include "loadgen_scan.hpp"
#include "loadgen_script.hpp"
#include "protocol/codec.hpp"

namespace gb = guidechat::bench;
namespace gp = guidechat::protocol;

namespace {

gp::Part ask_part() {
  gp::Part ask;
  ask.type = gp::PartType::kAsk;
  ask.id = "duration";
  ask.text = "How long does one \"episode\" last?";
  ask.options = {{"seconds", "A few seconds"}, {"long", "Much longer"}};
  return ask;
}

}  // namespace

TEST_CASE("scan_frame reads reply_to and the pending ask of a codec reply") {
  const std::vector<gp::Part> parts = {
      gp::Part::Answer("See a doctor {\"reply_to\":99} [if] it hurts.", {"when", "When"}, 0.8),
      ask_part()};
  const std::string reply = gp::build_reply(gp::MessageId{std::int64_t{42}}, "v1.tok", parts);
  gb::FrameView view;
  REQUIRE(gb::scan_frame(reply, view));
  CHECK(view.type == "reply");
  REQUIRE(view.correlation);
  CHECK(*view.correlation == 42);  // not the 99 inside the answer's text
  CHECK(view.has_ask);
  CHECK(view.ask_id == "duration");
  CHECK(view.first_option == "seconds");
  CHECK(view.first_label == "A few seconds");
}

TEST_CASE("scan_frame reads errors, welcomes and echoed client frames") {
  // The views point into the frame: keep each frame alive while they are read.
  gb::FrameView view;
  const std::string error =
      gp::build_error(gp::MessageId{std::int64_t{7}}, gp::ErrorCode::kBadOption, "no");
  REQUIRE(gb::scan_frame(error, view));
  CHECK(view.type == "error");
  CHECK(view.code == "bad_option");
  REQUIRE(view.correlation);
  CHECK(*view.correlation == 7);

  const std::string welcome = gp::build_welcome(
      "v1.tok", {{"symptom-check", "Check", ""}, {"b", "B", ""}}, {gp::Part::Text("Hello")});
  REQUIRE(gb::scan_frame(welcome, view));
  CHECK(view.type == "welcome");
  CHECK(view.first_flow == "symptom-check");
  CHECK(!view.correlation);

  REQUIRE(gb::scan_frame(R"({"type":"choose","id":12,"ask":"a","options":["x"]})", view));
  CHECK(gb::is_client_type(view.type));
  REQUIRE(view.correlation);
  CHECK(*view.correlation == 12);
}

TEST_CASE("scan_frame refuses what is not one JSON object") {
  gb::FrameView view;
  CHECK_FALSE(gb::scan_frame("", view));
  CHECK_FALSE(gb::scan_frame("[1,2]", view));
  CHECK_FALSE(gb::scan_frame(R"({"type":"reply")", view));
  CHECK_FALSE(gb::scan_frame(R"({"type":"reply"} x)", view));
  CHECK_FALSE(gb::scan_frame(R"({"type":"reply","text":"unterminated})", view));
  CHECK_FALSE(gb::scan_frame(std::string(100, '[') + std::string(100, ']'), view));
  // A string id that is not a number gives no correlation rather than a wrong one.
  REQUIRE(gb::scan_frame(R"({"type":"reply","reply_to":"abc","parts":[]})", view));
  CHECK(!view.correlation);
}

TEST_CASE("the conversation answers the pending ask the server sent") {
  gb::Conversation conversation(0);
  const std::vector<gp::Part> parts = {ask_part()};
  const std::string reply = gp::build_reply(gp::MessageId{std::int64_t{2}}, "v1.tok", parts);
  gb::FrameView view;
  REQUIRE(gb::scan_frame(reply, view));

  CHECK(conversation.next_frame(1).find(R"("type":"say")") != std::string::npos);
  CHECK(conversation.next_frame(2).find(R"("type":"start")") != std::string::npos);
  conversation.observe(view);
  const std::string choose = conversation.next_frame(3);
  CHECK(choose == R"({"type":"choose","id":3,"ask":"duration","options":["seconds"]})");
  conversation.observe(view);
  conversation.next_frame(4);
  conversation.observe(view);
  CHECK(conversation.next_frame(5) == R"({"type":"say","id":5,"text":"a few seconds"})");
  CHECK(conversation.next_frame(6) == R"({"type":"summary","id":6})");

  // Once the flow has ended (a reply without an ask), a choose would be
  // refused: the script asks a question instead.
  const std::string done = gp::build_reply(gp::MessageId{std::int64_t{7}}, "v1.tok", {});
  REQUIRE(gb::scan_frame(done, view));
  conversation.observe(view);
  conversation.next_frame(7);
  conversation.next_frame(8);
  CHECK(conversation.next_frame(9).find(R"("type":"say")") != std::string::npos);
}
