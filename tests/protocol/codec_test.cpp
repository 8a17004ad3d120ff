#include "protocol/codec.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace guidechat::protocol;
using nlohmann::json;

namespace {

ErrorCode code_of(std::string_view frame) {
  Parsed p = parse_client(frame);
  REQUIRE(p.error.has_value());
  REQUIRE_FALSE(p.message.has_value());
  return p.error->code;
}

ClientMessage message_of(std::string_view frame) {
  Parsed p = parse_client(frame);
  INFO(frame);
  REQUIRE(p.message.has_value());
  return *p.message;
}

}  // namespace

TEST_CASE("every client message type parses") {
  auto hello = message_of(R"({"type":"hello","session":"v1.abc","id":"h"})");
  CHECK(hello.type == ClientType::kHello);
  CHECK(hello.session == "v1.abc");
  CHECK(std::get<std::string>(hello.id) == "h");
  CHECK(message_of(R"({"type":"hello"})").session.empty());

  auto say = message_of(R"({"type":"say","id":7,"text":"when should I see a doctor?"})");
  CHECK(say.type == ClientType::kSay);
  CHECK(std::get<std::int64_t>(say.id) == 7);
  CHECK(say.text == "when should I see a doctor?");

  auto choose = message_of(R"({"type":"choose","ask":"speech","options":["yes","no"]})");
  CHECK(choose.ask == "speech");
  CHECK(choose.options == std::vector<std::string>{"yes", "no"});

  CHECK(message_of(R"({"type":"start","flow":"symptom-check"})").flow == "symptom-check");
  CHECK(message_of(R"({"type":"summary"})").type == ClientType::kSummary);
  CHECK(message_of(R"({"type":"reset","extra":"ignored"})").type == ClientType::kReset);
}

TEST_CASE("malformed frames get bad_json") {
  CHECK(code_of("") == ErrorCode::kBadJson);
  CHECK(code_of("not json") == ErrorCode::kBadJson);
  CHECK(code_of(R"({"type":"say","text":"x")") == ErrorCode::kBadJson);
  CHECK(code_of("{\"type\":\"say\",\"text\":\"\xC3\"}") == ErrorCode::kBadJson);
  CHECK(code_of(R"({"type":"say","text":"\ud800"})") == ErrorCode::kBadJson);
}

TEST_CASE("well-formed JSON of the wrong shape gets bad_message") {
  CHECK(code_of("[1,2]") == ErrorCode::kBadMessage);
  CHECK(code_of("\"say\"") == ErrorCode::kBadMessage);
  CHECK(code_of("null") == ErrorCode::kBadMessage);
  CHECK(code_of("{}") == ErrorCode::kBadMessage);
  CHECK(code_of(R"({"type":5})") == ErrorCode::kBadMessage);
  CHECK(code_of(R"({"type":"dance"})") == ErrorCode::kBadMessage);
  CHECK(code_of(R"({"type":"say"})") == ErrorCode::kBadMessage);
  CHECK(code_of(R"({"type":"say","text":["a"]})") == ErrorCode::kBadMessage);
  CHECK(code_of(R"({"type":"say","text":"   "})") == ErrorCode::kBadMessage);
  CHECK(code_of(R"({"type":"choose","ask":"a","options":"yes"})") == ErrorCode::kBadMessage);
  CHECK(code_of(R"({"type":"choose","ask":"a","options":[]})") == ErrorCode::kBadMessage);
  CHECK(code_of(R"({"type":"choose","ask":"a","options":[1]})") == ErrorCode::kBadMessage);
  CHECK(code_of(R"({"type":"choose","options":["yes"]})") == ErrorCode::kBadMessage);
  CHECK(code_of(R"({"type":"start"})") == ErrorCode::kBadMessage);
  CHECK(code_of(R"({"type":"start","flow":""})") == ErrorCode::kBadMessage);
  CHECK(code_of(R"({"type":"hello","session":42})") == ErrorCode::kBadMessage);
  CHECK(code_of(R"({"type":"say","text":"a","type":"reset"})") == ErrorCode::kBadMessage);
  CHECK(code_of(R"({"type":"reset","id":1.5})") == ErrorCode::kBadMessage);
  CHECK(code_of(R"({"type":"reset","id":{"a":1}})") == ErrorCode::kBadMessage);
  CHECK(code_of(R"({"type":"reset","id":18446744073709551615})") == ErrorCode::kBadMessage);
  std::string long_id = R"({"type":"reset","id":")" + std::string(65, 'x') + "\"}";
  CHECK(code_of(long_id) == ErrorCode::kBadMessage);
  std::string long_flow = R"({"type":"start","flow":")" + std::string(65, 'f') + "\"}";
  CHECK(code_of(long_flow) == ErrorCode::kBadMessage);
}

TEST_CASE("deep nesting is refused before parsing") {
  std::string deep =
      R"({"type":"say","text":"x","n":)" + std::string(10000, '[') + std::string(10000, ']') + "}";
  CHECK(code_of(deep) == ErrorCode::kBadMessage);
  // Brackets inside strings do not count.
  CHECK(message_of(R"({"type":"say","text":"[[[[[[[[[[[[[[[[[[[[[[[[[["})").text.size() == 26);
}

TEST_CASE("an over-long say text is too_large, and keeps its id") {
  std::string big = R"({"type":"say","id":"x1","text":")" + std::string(5000, 'a') + "\"}";
  Parsed p = parse_client(big);
  REQUIRE(p.error);
  CHECK(p.error->code == ErrorCode::kTooLarge);
  CHECK(std::get<std::string>(p.id) == "x1");
}

TEST_CASE("errors carry the client's id as reply_to") {
  Parsed p = parse_client(R"({"type":"start","id":3})");
  REQUIRE(p.error);
  auto frame = json::parse(build_error(p.id, p.error->code, p.error->message));
  CHECK(frame["type"] == "error");
  CHECK(frame["reply_to"] == 3);
  CHECK(frame["code"] == "bad_message");
  CHECK_FALSE(json::parse(build_error({}, ErrorCode::kInternal, "x")).contains("reply_to"));
}

TEST_CASE("replies serialize every part type exactly as the protocol names them") {
  Part ask;
  ask.type = PartType::kAsk;
  ask.id = "speech";
  ask.text = "Do the spasms make it hard to speak or chew?";
  ask.options = {{"yes", "Yes"}, {"no", "No"}};
  Part summary;
  summary.type = PartType::kSummary;
  summary.items = {{"Where?", "Eyes"}};
  summary.text = "Spasms around the eyes.";
  std::vector<Part> parts = {
      Part::Text("hi"),
      Part::Answer("See a doctor.", {"when-to-seek-medical-attention", "When"}, 0.81234),
      ask,
      Part::Outcome("urgent", "get help fast", {"when-to-seek-medical-attention", "When"}),
      Part::Fallback("not covered", {"Symptoms"}),
      summary};
  auto j = json::parse(build_reply(std::string("r1"), "v1.tok", parts));
  CHECK(j["type"] == "reply");
  CHECK(j["reply_to"] == "r1");
  CHECK(j["session"] == "v1.tok");
  REQUIRE(j["parts"].size() == 6);
  CHECK(j["parts"][0] == json{{"type", "text"}, {"text", "hi"}});
  CHECK(j["parts"][1]["source"]["section"] == "when-to-seek-medical-attention");
  CHECK(j["parts"][1]["score"] == Approx(0.812));
  CHECK(j["parts"][2]["options"][1]["label"] == "No");
  CHECK(j["parts"][2]["multiple"] == false);
  CHECK(j["parts"][2]["free_text"] == true);
  CHECK(j["parts"][3]["level"] == "urgent");
  CHECK(j["parts"][4]["suggestions"][0] == "Symptoms");
  CHECK(j["parts"][5]["items"][0]["answer"] == "Eyes");

  auto w = json::parse(build_welcome("v1.t", {{"symptom-check", "Check my symptoms", ""}}, {}));
  CHECK(w["type"] == "welcome");
  CHECK(w["flows"][0]["title"] == "Check my symptoms");
  CHECK_FALSE(w["flows"][0].contains("guide"));
  CHECK_FALSE(w.contains("guides"));
  // Several guides: each flow names its guide, and the guides are listed.
  auto g = json::parse(build_welcome("v1.t", {{"symptom-check", "Check", "facial-spasm"}}, {},
                                     {{"facial-spasm", "Facial Spasm"}, {"tinnitus", "Tinnitus"}}));
  CHECK(g["flows"][0]["guide"] == "facial-spasm");
  CHECK(g["guides"][1]["id"] == "tinnitus");
  CHECK(g["guides"][1]["title"] == "Tinnitus");
}

TEST_CASE("hello and say may name a guide") {
  auto say = parse_client(R"({"type":"say","text":"hi","guide":"tinnitus"})");
  REQUIRE(say.message);
  CHECK(say.message->guide == "tinnitus");
  auto hello = parse_client(R"({"type":"hello","guide":"tinnitus"})");
  REQUIRE(hello.message);
  CHECK(hello.message->guide == "tinnitus");
  for (const char* none :
       {R"({"type":"say","text":"hi","guide":null})", R"({"type":"say","text":"hi","guide":""})"}) {
    auto p = parse_client(none);
    REQUIRE(p.message);
    CHECK(p.message->guide.empty());
  }
  for (const char* bad :
       {R"({"type":"say","text":"hi","guide":3})", R"({"type":"hello","guide":["a"]})"}) {
    auto p = parse_client(bad);
    CHECK_FALSE(p.message);
    REQUIRE(p.error);
    CHECK(p.error->code == ErrorCode::kBadMessage);
    CHECK(p.error->message.find("guide") != std::string::npos);
  }
}

TEST_CASE("invalid UTF-8 in outgoing text never throws") {
  CHECK_NOTHROW(build_reply({}, "t", {Part::Text("bad \xFF byte")}));
  // A reply that starts the conversation afresh says so; others do not.
  CHECK(json::parse(build_reply({}, "t", {}, true))["reset"] == true);
  CHECK_FALSE(json::parse(build_reply({}, "t", {})).contains("reset"));
}
