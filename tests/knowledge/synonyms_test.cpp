#include "knowledge/synonyms.hpp"

#include <catch2/catch.hpp>

using namespace guidechat::knowledge;

TEST_CASE("synonym rules: several left sides, phrases, comments") {
  auto syn = Synonyms::parse(
      "# comment line\n"
      "\n"
      "physio, Physiotherapy = physical therapy   # trailing comment\n"
      "doc, GP = doctor\n"
      "eyelid = eye, blinking\n"
      "muscle relaxer = muscle relaxants\n",
      "syn.txt");
  REQUIRE(syn.ok());
  CHECK(syn->size() == 6);  // each left side is a rule
  REQUIRE(syn->lookup("physio") != nullptr);
  CHECK(*syn->lookup("physio") == std::vector<std::string>{"physical therapy"});
  CHECK(*syn->lookup("physiotherapy") == std::vector<std::string>{"physical therapy"});
  CHECK(*syn->lookup("gp") == std::vector<std::string>{"doctor"});
  CHECK(*syn->lookup("eyelid") == std::vector<std::string>{"eye", "blinking"});
  // Plurals of a left side match too.
  CHECK(syn->lookup("eyelids") != nullptr);
  CHECK(syn->lookup("docs") != nullptr);
  CHECK(syn->lookup("muscle relaxers") != nullptr);
  CHECK(syn->lookup("relaxer") == nullptr);
  CHECK(syn->lookup("dog") == nullptr);
  CHECK(syn->single_words() ==
        std::vector<std::string>{"doc", "eyelid", "gp", "physio", "physiotherapy"});
}

TEST_CASE("match finds the longest rule at a position") {
  auto syn = Synonyms::parse("muscle = muscles\nmuscle relaxer = muscle relaxants\n", "s");
  REQUIRE(syn.ok());
  std::vector<std::string> words{"any", "muscle", "relaxers", "today"};
  const std::vector<std::string>* alts = nullptr;
  CHECK(syn->match(words, 0, &alts) == 0);
  CHECK(syn->match(words, 1, &alts) == 2);
  REQUIRE(alts != nullptr);
  CHECK(alts->front() == "muscle relaxants");
  std::vector<std::string> one{"muscle"};
  CHECK(syn->match(one, 0, &alts) == 1);
  CHECK(syn->match(one, 5, &alts) == 0);  // past the end: no match, no crash
}

TEST_CASE("malformed synonym rules are refused with file and line") {
  auto no_eq = Synonyms::parse("# ok\nphysio physical therapy\n", "k/synonyms.txt");
  REQUIRE_FALSE(no_eq.ok());
  CHECK(no_eq.error().find("k/synonyms.txt:2:") == 0);
  auto no_left = Synonyms::parse("= doctor\n", "s.txt");
  REQUIRE_FALSE(no_left.ok());
  CHECK(no_left.error().find("s.txt:1: nothing left") == 0);
  auto no_right = Synonyms::parse("a = b\ndoc = ,, \n", "s.txt");
  REQUIRE_FALSE(no_right.ok());
  CHECK(no_right.error().find("s.txt:2: nothing right") == 0);
}

TEST_CASE("an empty synonyms file is fine") {
  auto syn = Synonyms::parse("", "s.txt");
  REQUIRE(syn.ok());
  CHECK(syn->empty());
}
