#include "common/text.hpp"

#include <catch2/catch.hpp>

using namespace guidechat::text;

TEST_CASE("valid_utf8 accepts well-formed text and rejects the rest") {
  CHECK(valid_utf8("plain ascii"));
  CHECK(valid_utf8("caf\xC3\xA9 \xF0\x9F\x98\x80"));
  CHECK_FALSE(valid_utf8("\xC3"));              // truncated
  CHECK_FALSE(valid_utf8("\xC0\xAF"));          // overlong
  CHECK_FALSE(valid_utf8("\xED\xA0\x80"));      // lone surrogate U+D800
  CHECK_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(valid_utf8("\xFF"));
}

TEST_CASE("words folds case, keeps inner apostrophes, drops symbols") {
  CHECK(words("It DOESN\xE2\x80\x99T hurt!!") == std::vector<std::string>{"it", "doesn't", "hurt"});
  CHECK(words("'quoted' \"NEAR(a b)\" x:y* ^z") ==
        std::vector<std::string>{"quoted", "near", "a", "b", "x", "y", "z"});
  CHECK(words("\xF0\x9F\x98\x80 eye\x01twitch").size() == 2);
  CHECK(words("").empty());
}

TEST_CASE("edit_distance counts transpositions and stops at the limit") {
  CHECK(edit_distance("docter", "doctor", 2) == 1);
  CHECK(edit_distance("spsam", "spasm", 2) == 1);
  CHECK(edit_distance("simptoms", "symptoms", 2) == 1);
  CHECK(edit_distance("abc", "xyzuvw", 2) == 3);
  CHECK(edit_distance("", "", 0) == 0);
}

TEST_CASE("truncate_utf8 never splits a sequence") {
  std::string s = "a\xC3\xA9";
  CHECK(truncate_utf8(s, 2) == "a");
  CHECK(truncate_utf8(s, 3) == s);
  CHECK(trim("  x y \n") == "x y");
}
