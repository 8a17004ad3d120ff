#include "knowledge/speller.hpp"

#include <catch2/catch.hpp>

using namespace guidechat::knowledge;

namespace {

Speller guide_speller() {
  Speller s;
  for (const char* w : {"doctor", "symptoms", "spasm", "spasms", "exercises", "exercising",
                        "twitching", "eye", "lips", "stress", "when", "should"}) {
    s.add(w, 5);
  }
  s.add("doctors", 1);
  s.finish();
  return s;
}

}  // namespace

TEST_CASE("typos are corrected to the closest known word") {
  Speller s = guide_speller();
  CHECK(s.correct("docter") == "doctor");
  CHECK(s.correct("simptoms") == "symptoms");
  CHECK(s.correct("spsam") == "spasm");
  CHECK(s.correct("excercises") == "exercises");
  CHECK(s.correct("twitchin") == "twitching");
  CHECK(s.correct("stres") == "stress");
}

TEST_CASE("known words, short words and far words are left alone") {
  Speller s = guide_speller();
  CHECK(s.correct("doctor").empty());  // distance 0 is not a correction
  CHECK(s.correct("ey").empty());      // too short to correct
  CHECK(s.correct("insulin").empty());
  CHECK(s.correct("france").empty());
  CHECK(s.correct("").empty());
  CHECK(s.knows("spasm"));
  CHECK_FALSE(s.knows("spsam"));
}

TEST_CASE("edits allowed grow with word length and can be capped") {
  CHECK(Speller::max_edits(2) == 0);
  CHECK(Speller::max_edits(3) == 1);
  CHECK(Speller::max_edits(6) == 1);
  CHECK(Speller::max_edits(7) == 2);
  Speller s = guide_speller();
  CHECK(s.correct("simptomz") == "symptoms");  // two edits, long word
  CHECK(s.correct("simptomz", 1).empty());     // capped to one
}

TEST_CASE("ties go to the heavier word") {
  Speller s;
  s.add("cart", 1);
  s.add("card", 9);
  s.finish();
  CHECK(s.correct("carx") == "card");
}

TEST_CASE("an empty speller corrects nothing") {
  Speller s;
  s.finish();
  CHECK(s.correct("docter").empty());
}
