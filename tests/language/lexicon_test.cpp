#include "language/lexicon.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace guidechat::language;

TEST_CASE("lexicon: everyday words and word classes") {
  Lexicon lex = Lexicon::from_text("# comment\nthe a my\nshould  # also a comment\n",
                                   "# header line\napple 20\nback 10\nbalm 35\nzebra 60\n");
  CHECK(lex.everyday("the"));
  CHECK(lex.everyday("should"));
  CHECK_FALSE(lex.everyday("comment"));
  CHECK_FALSE(lex.everyday("apple"));
  CHECK(lex.word_class("apple") == 20);
  CHECK(lex.word_class("back") == 10);
  CHECK(lex.word_class("balm") == 35);
  CHECK(lex.word_class("zebra") == 60);
  CHECK(lex.word_class("banana") == 0);
  CHECK(lex.word_class("") == 0);
  CHECK(lex.word_class("zzz") == 0);
  CHECK(lex.word_class("aaa") == 0);
  CHECK_FALSE(lex.name("apple"));
}

TEST_CASE("lexicon: words that are only names") {
  Lexicon lex = Lexicon::from_text("", "aaron 50\napple 20\nleeds 50\n", "# names\naaron\nleeds\n");
  CHECK(lex.name("aaron"));
  CHECK(lex.name("leeds"));
  CHECK_FALSE(lex.name("apple"));
  CHECK_FALSE(lex.name("# names"));
}

TEST_CASE("the bundled word list is sorted and usable") {
  auto lex = Lexicon::load(std::string(GUIDECHAT_SOURCE_DIR) + "/lang");
  REQUIRE(lex.ok());
  CHECK(lex->word_class("back") == 10);
  CHECK(lex->word_class("insulin") == 35);
  CHECK(lex->word_class("docter") == 0);
  CHECK(lex->word_class("simptoms") == 0);
  CHECK(lex->everyday("what"));
  CHECK_FALSE(lex->everyday("doctor"));
  CHECK_FALSE(lex->everyday("pain"));
  CHECK(lex->name("bridget"));
  CHECK(lex->name("leeds"));
  CHECK_FALSE(lex->name("doctor"));
  CHECK_FALSE(lex->name("acupuncture"));
}

TEST_CASE("lay words: synonyms and broader words, by base form") {
  Lexicon lex =
      Lexicon::from_text("", "", "",
                         "# lay words\nchill out\tcalm down,cool off\t\nespresso\t\tcoffee\n"
                         "hum\tbuzz,humming\tnoise\nwhine\twhimper\tcomplaint\n");
  const auto& lay = lex.lay_words();
  CHECK(lay.size() == 4);
  guidechat::language::LayAlternatives alts;
  REQUIRE(lay.lookup("hum", &alts));
  CHECK(alts.synonyms == std::vector<std::string>{"buzz", "humming"});
  CHECK(alts.broader == std::vector<std::string>{"noise"});
  REQUIRE(lay.lookup("espresso", &alts));
  CHECK(alts.synonyms.empty());
  CHECK(alts.broader == std::vector<std::string>{"coffee"});
  // Inflected forms find their base form.
  CHECK(lay.lookup("whines", &alts));
  CHECK(lay.lookup("whining", &alts));
  CHECK(lay.lookup("humming", &alts));
  CHECK(lay.lookup("espressos", &alts));
  CHECK_FALSE(lay.lookup("banana", &alts));
  CHECK_FALSE(lay.lookup("", &alts));
  // Phrases.
  CHECK(lay.starts_phrase("chill"));
  CHECK_FALSE(lay.starts_phrase("hum"));
  REQUIRE(lay.lookup("chill out", &alts));
  CHECK(alts.synonyms == std::vector<std::string>{"calm down", "cool off"});
}

TEST_CASE("the bundled lay words load") {
  auto lex = Lexicon::load(std::string(GUIDECHAT_SOURCE_DIR) + "/lang");
  REQUIRE(lex.ok());
  CHECK(lex->lay_words().size() > 10000);
  guidechat::language::LayAlternatives alts;
  REQUIRE(lex->lay_words().lookup("flashlight", &alts));
  CHECK(std::find(alts.synonyms.begin(), alts.synonyms.end(), "torch") != alts.synonyms.end());
}
