// The fast codec (a hand-written one-pass reader, frames written straight into a string) must
// say exactly what the first, tree-based one said: the same message or the
// same error (code, text, id) for every input, and byte-identical frames.
// Inputs: hand-picked edge cases, the fuzzing corpus, and a few hundred
// thousand generated and mutated frames from a fixed seed.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "protocol/codec.hpp"
#include "protocol/json_writer.hpp"
#include "reference_codec.hpp"

using namespace guidechat::protocol;

namespace {

// Under the sanitizers (-O0, every access checked) a tenth of the cases: the
// 60 s fuzzing stage runs the same comparison there (tests/fuzz/protocol_fuzz.cpp).
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define GUIDECHAT_SANITIZED 1
#endif
#endif
#ifdef GUIDECHAT_SANITIZED
constexpr int kScale = 10;
#else
constexpr int kScale = 1;
#endif

void check_same_parse(const std::string& frame) {
  INFO("frame: " << frame);
  CHECK(reference::describe(parse_client(frame)) ==
        reference::describe(reference::parse_client(frame)));
}

const std::vector<std::string> kEdgeCases = {
    "",
    " ",
    "{}",
    "[]",
    "null",
    "42",
    "\"say\"",
    R"([{"type":"say","text":"x"}])",
    R"({"type":"say","text":"hi"})",
    R"({"type":"say","text":"hi"}   )",
    R"({"type":"say","text":"hi"} x)",
    R"({"type":"say","text":"hi",})",
    R"({"type":"say","text":"hi","type":"say"})",
    R"({"type":"say","text":"hi","x":{"a":1,"a":2}})",
    R"({"type":"say","text":"hi","x":[{"a":1},{"a":2}]})",
    R"({"id":1,"id":2,"type":"reset"})",
    R"({"id":"a","type":"reset","id":null})",
    R"({"id":1.0,"type":"reset"})",
    R"({"id":-0,"type":"reset"})",
    R"({"id":-9223372036854775808,"type":"reset"})",
    R"({"id":9223372036854775807,"type":"reset"})",
    R"({"id":9223372036854775808,"type":"reset"})",
    R"({"id":18446744073709551616,"type":"reset"})",
    R"({"id":1e3,"type":"reset"})",
    R"({"id":true,"type":"reset"})",
    R"({"id":[1],"type":"reset"})",
    R"({"id":{"a":1},"type":"reset"})",
    R"({"id":"0123456789012345678901234567890123456789012345678901234567890123","type":"reset"})",
    R"({"id":"01234567890123456789012345678901234567890123456789012345678901234","type":"reset"})",
    R"({"type":"hello","session":null})",
    R"({"type":"hello","session":5})",
    R"({"type":"hello","session":"v1.x","session":"v1.y"})",
    R"({"type":"say","text":"\u0000"})",
    R"({"type":"say","text":"\ud83d\ude00 fine"})",
    R"({"type":"say","text":"\ud800"})",
    R"({"type":"say","text":"  \t "})",
    R"({"type":"say","text":null})",
    R"({"type":"choose","ask":"a","options":["x",["y"]]})",
    R"({"type":"choose","ask":"a","options":[{"x":1},"y"]})",
    R"({"type":"choose","ask":"a","options":[{"x":1,"x":2},"y"]})",
    R"({"type":"choose","ask":"a","options":["x","y"],"options":["z"]})",
    R"({"type":"choose","ask":"a","options":[]})",
    R"({"type":"choose","ask":"a","options":[""]})",
    R"({"type":"choose","ask":"","options":["x"]})",
    R"({"type":"choose","ask":5,"options":["x"]})",
    R"({"type":"choose","options":["x"]})",
    R"({"type":"choose","ask":"a","options":"x"})",
    R"({"type":"choose","ask":"a","options":[null]})",
    R"({"type":"choose","ask":"a","options":[1,2]})",
    R"({"type":"start","flow":"symptom-check"})",
    R"({"type":"start","flow":["symptom-check"]})",
    R"({"type":"start"})",
    R"({"type":"summary","extra":{"deep":[[[[1]]]]}})",
    R"({"type":"reset","type":"reset"})",
    R"({"type":["say"]})",
    R"({"type":"SAY","text":"x"})",
    R"({"TYPE":"say","text":"x"})",
    R"({"type":"say","text":"x"/*c*/})",
    R"({"type":"say","text":'x'})",
    R"({"type":"say","text":"x","n":NaN})",
    R"({"type":"say","text":"x","n":01})",
    "{\"type\":\"say\",\"text\":\"\xff\"}",
    "{\"type\":\"say\",\"text\":\"caf\xc3\xa9\"}",
    "\xef\xbb\xbf{\"type\":\"reset\"}",
    // Cases for the hand-written reader (protocol/message_reader.cpp).
    R"({"id":1e400,"type":"reset"})",
    R"({"id":-1e400,"type":"reset"})",
    R"({"id":1e-400,"type":"reset"})",
    R"({"id":99999999999999999999999999999999,"type":"reset"})",
    R"({"id":-99999999999999999999999999999999,"type":"reset"})",
    R"({"id":1.7976931348623157e308,"type":"reset"})",
    R"({"id":1.7976931348623159e308,"type":"reset"})",
    R"({"id":-0.0e-0,"type":"reset"})",
    R"({"id":1E+2,"type":"reset"})",
    R"({"id":1.,"type":"reset"})",
    R"({"id":.5,"type":"reset"})",
    R"({"id":+1,"type":"reset"})",
    R"({"id":-,"type":"reset"})",
    R"({"id":1e,"type":"reset"})",
    R"({"id":0x10,"type":"reset"})",
    R"({"t\u0079pe":"reset"})",
    R"({"type":"reset","\u0074ype":"reset"})",
    R"({"type":"say","text":"\ud83d"})",
    R"({"type":"say","text":"\ude00"})",
    R"({"type":"say","text":"\ud83d\u0041"})",
    R"({"type":"say","text":"\ud83dx"})",
    R"({"type":"say","text":"\uD83D\uDE00\u00E9\u20AC\/\b\f\n\r\t\"\\"})",
    R"({"type":"say","text":"\u12"})",
    R"({"type":"say","text":"\x"})",
    R"({"type":"say","text":"\u00zz"})",
    R"({"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"a":0,"type":"reset"})",
    R"({"x":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10},"type":"reset"})",
    R"({"x":{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"i":10},"type":"reset"})",
    R"({"x":{"a":{"a":1},"b":{"a":1}},"type":"reset"})",
    R"({"type":"reset"} )",
    R"( {"type":"reset"})",
    R"({"type":"reset"}})",
    R"({"type":"reset"},)",
    R"({"type":"reset",})",
    R"({,"type":"reset"})",
    R"({"type" "reset"})",
    R"({"type":"reset" "id":1})",
    R"([{"type":"reset"}])",
    R"("reset")",
    R"(42)",
    R"(-1e400)",
    R"(nul)",
    R"(truex)",
    R"({"type":"reset","b":tru})",
    R"({"type":"reset","b":[true,false,null,1,-1,"s",{},[]]})",
    "",
    " ",
    "\xef\xbb\xbf",
    " \xef\xbb\xbf{\"type\":\"reset\"}",
    "\xef\xbb\xbf \xef\xbb\xbf{\"type\":\"reset\"}",
    std::string("{\"type\":\"reset\"}\0", 17),
    std::string("{\"type\":\"reset\"}\0garbage", 24),
    std::string("{\"type\":\"reset\"} \0", 18),
    std::string("{\"type\":\0\"reset\"}", 17),
    std::string("\0{\"type\":\"reset\"}", 17),
    std::string("{\"type\":\"reset\",\"id\":1\0}", 23),
    std::string("{\"type\":\"say\",\"text\":\"a\0b\"}", 27),
    "{\"type\":\"say\",\"text\":\"a\tb\"}",
    "{\"type\":\"say\",\"text\":\"a\x7f\"}",
    std::string(17, '[') + std::string(17, ']'),
    "{\"a\":" + std::string(15, '[') + std::string(15, ']') + ",\"type\":\"reset\"}",
    "{\"a\":" + std::string(16, '[') + std::string(16, ']') + ",\"type\":\"reset\"}",
};

// Pieces that frames are assembled from: valid JSON most of the time, so
// that generated inputs reach the checks after parsing, not only the lexer.
const std::vector<std::string> kKeys = {"type", "id",      "text", "ask", "options",
                                        "flow", "session", "x",    "",    "Type"};
const std::vector<std::string> kValues = {"\"say\"",
                                          "\"choose\"",
                                          "\"start\"",
                                          "\"hello\"",
                                          "\"summary\"",
                                          "\"reset\"",
                                          "\"shout\"",
                                          "\"\"",
                                          "\"  \"",
                                          "\"speech\"",
                                          "\"v1.abc\"",
                                          "\"symptom-check\"",
                                          "7",
                                          "-3",
                                          "0",
                                          "1.5",
                                          "18446744073709551615",
                                          "9223372036854775808",
                                          "true",
                                          "false",
                                          "null",
                                          "[]",
                                          "[\"yes\"]",
                                          "[\"yes\",\"no\"]",
                                          "[1]",
                                          "[\"\"]",
                                          "{}",
                                          "{\"a\":1}",
                                          "{\"a\":1,\"a\":1}",
                                          "[[\"x\"]]",
                                          "\"when should I see a doctor?\"",
                                          "\"\\u00e9\\n\\\"\"",
                                          "\"\\ud800\""};

// Members a message of each type needs, with values that pass its checks.
const std::vector<std::string> kShapes = {
    R"("type":"say","text":"when should I see a doctor?")",
    R"("type":"choose","ask":"speech","options":["yes"])",
    R"("type":"choose","ask":"where","options":["eyes","lips"])",
    R"("type":"start","flow":"symptom-check")",
    R"("type":"hello","session":"v1.abc")",
    R"("type":"hello")",
    R"("type":"summary")",
    R"("type":"reset")",
};

std::string generate(std::mt19937_64& rng) {
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  std::string f = "{";
  bool first = true;
  if (rng() % 2) {
    f += pick(kShapes);  // a real message, with random members added below
    first = false;
  }
  const int members = static_cast<int>(rng() % (first ? 6 : 3));
  for (int i = 0; i < members; ++i) {
    if (!first) f += ",";
    first = false;
    f += '"';
    f += pick(kKeys);
    f += "\":";
    f += pick(kValues);
  }
  f += "}";
  return f;
}

std::string mutate(std::string f, std::mt19937_64& rng) {
  static const std::string kBytes = "{}[]\",:\\ 0a-.eu\x01\xc3\xa9\xff";
  const int edits = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < edits && !f.empty(); ++i) {
    const std::size_t at = rng() % f.size();
    switch (rng() % 4) {
      case 0:
        f.erase(at, 1);
        break;
      case 1:
        f.insert(at, 1, kBytes[rng() % kBytes.size()]);
        break;
      case 2:
        f[at] = kBytes[rng() % kBytes.size()];
        break;
      default:
        f.resize(at);
    }
  }
  return f;
}

std::string random_text(std::mt19937_64& rng) {
  static const std::vector<std::string> kPieces = {"a",
                                                   "Spasm",
                                                   " ",
                                                   "\"",
                                                   "\\",
                                                   "/",
                                                   "\n",
                                                   "\t",
                                                   "\r",
                                                   "\b",
                                                   "\f",
                                                   "\x01",
                                                   "\x1f",
                                                   "\x7f",
                                                   "caf\xc3\xa9",
                                                   "\xe2\x80\x99",
                                                   "\xf0\x9f\x98\x80",
                                                   "<b>",
                                                   "&",
                                                   "\xff",
                                                   "\xc3",
                                                   "\xed\xa0\x80",
                                                   "\xe2\x82"};
  std::string s;
  const int n = static_cast<int>(rng() % 8);
  for (int i = 0; i < n; ++i) s += kPieces[rng() % kPieces.size()];
  return s;
}

Part random_part(std::mt19937_64& rng) {
  static const std::vector<double> kScores = {0.0,  1.0,   0.5,   0.8571428,    0.0004, 0.0005,
                                              1e-5, -0.25, 1e300, std::nan(""), 0.9995, 0.123456};
  Part p;
  p.type = static_cast<PartType>(rng() % 6);
  p.text = random_text(rng);
  p.source = {random_text(rng), random_text(rng)};
  p.score = (rng() % 2) ? kScores[rng() % kScores.size()]
                        : std::uniform_real_distribution<double>(0, 1)(rng);
  p.id = random_text(rng);
  for (int i = static_cast<int>(rng() % 4); i > 0; --i) {
    p.options.push_back({random_text(rng), random_text(rng)});
  }
  p.multiple = rng() % 2;
  p.free_text = rng() % 2;
  p.level = random_text(rng);
  for (int i = static_cast<int>(rng() % 3); i > 0; --i) p.suggestions.push_back(random_text(rng));
  for (int i = static_cast<int>(rng() % 3); i > 0; --i) {
    p.items.push_back({random_text(rng), random_text(rng)});
  }
  return p;
}

MessageId random_id(std::mt19937_64& rng) {
  switch (rng() % 4) {
    case 0:
      return {};
    case 1:
      return random_text(rng);
    case 2:
      return static_cast<std::int64_t>(rng());
    default:
      return std::numeric_limits<std::int64_t>::min() + static_cast<std::int64_t>(rng() % 3);
  }
}

}  // namespace

TEST_CASE("the fast parser agrees with the reference on edge cases") {
  for (const auto& f : kEdgeCases) check_same_parse(f);
}

TEST_CASE("the fast parser agrees with the reference on the fuzzing corpus") {
  const std::filesystem::path dir =
      std::filesystem::path(GUIDECHAT_SOURCE_DIR) / "tests/fuzz/corpus/protocol_fuzz";
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    check_same_parse(ss.str());
    ++files;
  }
  CHECK(files >= 10);
}

TEST_CASE("the fast parser agrees with the reference on generated and mutated frames") {
  std::mt19937_64 rng(20261125);
  int accepted = 0;
  const int frames = 200000 / kScale;
  for (int i = 0; i < frames; ++i) {
    std::string f = generate(rng);
    if (i % 2) f = mutate(std::move(f), rng);
    const Parsed fast = parse_client(f);
    const Parsed ref = reference::parse_client(f);
    if (reference::describe(fast) != reference::describe(ref)) {
      INFO("frame: " << f);
      REQUIRE(reference::describe(fast) == reference::describe(ref));
    }
    accepted += fast.message.has_value();
  }
  // The generator must reach accepted messages too, not only errors.
  CHECK(accepted > frames / 10);
}

TEST_CASE("frames are byte-identical to the reference's") {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000 / kScale; ++i) {
    std::vector<Part> parts;
    for (int n = static_cast<int>(rng() % 4); n > 0; --n) parts.push_back(random_part(rng));
    const MessageId id = random_id(rng);
    const std::string session = random_text(rng);
    INFO("case " << i);
    REQUIRE(build_reply(id, session, parts) == reference::build_reply(id, session, parts));
    std::vector<FlowInfo> flows;
    for (int n = static_cast<int>(rng() % 3); n > 0; --n) {
      flows.push_back({random_text(rng), random_text(rng), rng() % 2 ? random_text(rng) : ""});
    }
    std::vector<GuideInfo> guides;
    for (int n = static_cast<int>(rng() % 3); n > 0; --n) {
      guides.push_back({random_text(rng), random_text(rng)});
    }
    REQUIRE(build_welcome(session, flows, parts, guides) ==
            reference::build_welcome(session, flows, parts, guides));
    const auto code = static_cast<ErrorCode>(rng() % 9);
    REQUIRE(build_error(id, code, session) == reference::build_error(id, code, session));
    // The tree holds invalid UTF-8 as U+FFFD, as the frames do.
    for (const auto& p : parts) {
      REQUIRE(part_to_json(p).dump() ==
              reference::part_to_json(p).dump(-1, ' ', false,
                                              nlohmann::json::error_handler_t::replace));
    }
  }
}

TEST_CASE("strings are escaped like nlohmann's, whatever byte sits wherever") {
  // The writer skips plain text 8 bytes at a time: every byte value at every
  // position of a word, and across the word's edge, must still be seen.
  const std::string plain = "The spasms come and go, often at night.";
  for (int byte = 0; byte < 256; ++byte) {
    for (std::size_t at = 0; at < 20; ++at) {
      std::string s = plain;
      s[at] = static_cast<char>(byte);
      if (byte == 0xC3) s[at + 1] = static_cast<char>(0xA9);  // a whole "é" too
      std::string fast;
      append_json_string(&fast, s);
      INFO("byte " << byte << " at " << at);
      REQUIRE(fast ==
              nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  }
}
