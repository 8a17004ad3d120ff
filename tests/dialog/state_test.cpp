#include <catch2/catch.hpp>

#include <random>

#include "dialog/state.hpp"

using guidechat::dialog::decode_state;
using guidechat::dialog::encode_state;
using guidechat::dialog::State;

namespace {

State full_symptom_check() {
  State s;
  s.flow = "symptom-check";
  s.node = "triggers";
  s.answers = {{"where", {"eyes", "lips", "side", "grimace", "other"}},
               {"duration", {"minutes"}},
               {"frequency", {"constantly"}},
               {"strength", {"noticeable"}},
               {"pain", {"a-little"}},
               {"speech", {"no"}},
               {"triggers", {"stress", "tired", "movement", "emotions", "surroundings"}},
               {"red-flags", {"speech", "chewing"}}};
  return s;
}

}  // namespace

TEST_CASE("state round-trips through its encoding") {
  for (const State& s : {State{}, State{"see-doctor", "speech", {}}, full_symptom_check()}) {
    auto back = decode_state(encode_state(s));
    REQUIRE(back.ok());
    CHECK(*back == s);
  }
}

TEST_CASE("a full flow's state stays compact") {
  // Every option of the largest flow chosen at once: still well under 300 bytes.
  CHECK(encode_state(full_symptom_check()).size() < 64);
  // Ids the shipped flows do not use are spelled out, and still round-trip.
  State custom{"my-flow", "my-question", {{"my-slot", {"option-1", "yes"}}}};
  CHECK(decode_state(encode_state(custom)).value() == custom);
}

TEST_CASE("decode_state rejects garbage cleanly") {
  CHECK_FALSE(decode_state("").ok());
  CHECK_FALSE(decode_state("\x02").ok());  // unknown version
  std::string good = encode_state(full_symptom_check());
  // Every truncation is refused, never read past the end.
  for (std::size_t n = 0; n < good.size(); ++n) {
    CHECK_FALSE(decode_state(good.substr(0, n)).ok());
  }
  CHECK_FALSE(decode_state(good + "x").ok());  // trailing bytes
  // A node without a flow, upper-case or empty ids, duplicate slots.
  CHECK_FALSE(decode_state(std::string("\x01\x00\x01n\x00", 5)).ok());
  CHECK_FALSE(decode_state(std::string("\x01\x01"
                                       "F"
                                       "\x00\x00",
                                       5))
                  .ok());
  State dup;
  dup.answers = {{"pain", {"a-lot"}}, {"pain", {"none"}}};
  CHECK_FALSE(decode_state(encode_state(dup)).ok());
  State empty_opts;
  empty_opts.answers = {{"pain", {}}};
  CHECK_FALSE(decode_state(encode_state(empty_opts)).ok());

  // Random bytes and random mutations never crash; what decodes re-encodes
  // to the same bytes.
  std::mt19937 rng(42);
  for (int i = 0; i < 20000; ++i) {
    std::string b = good;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) b[rng() % b.size()] = static_cast<char>(rng() % 256);
    if (i % 4 == 0) b.resize(rng() % 64);
    auto s = decode_state(b);
    if (s.ok()) CHECK(encode_state(*s) == b);
  }
}
