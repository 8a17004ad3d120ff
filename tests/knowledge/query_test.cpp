// Query building: user text never reaches FTS5 MATCH as syntax.
#include "knowledge/query_builder.hpp"

#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "common/limits.hpp"
#include "knowledge/stemmer.hpp"

using namespace guidechat::knowledge;

namespace {

// An FTS5 table to run MATCH expressions against.
struct Fts {
  sqlite3* db = nullptr;
  Fts() {
    sqlite3_open(":memory:", &db);
    sqlite3_exec(db,
                 "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='porter unicode61');"
                 "INSERT INTO t(body) VALUES ('see a doctor right away'),"
                 "('he said \"NEAR\" and OR not'), ('physical therapy helps');",
                 nullptr, nullptr, nullptr);
  }
  ~Fts() { sqlite3_close(db); }
  // Rows matched, or -1 when SQLite refused the expression.
  int count(const std::string& match) const {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?1", -1, &st, nullptr) !=
        SQLITE_OK) {
      return -1;
    }
    sqlite3_bind_text(st, 1, match.data(), static_cast<int>(match.size()), SQLITE_TRANSIENT);
    int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
  }
};

}  // namespace

TEST_CASE("fts5_quote turns anything into one string token") {
  CHECK(fts5_quote("doctor") == "\"doctor\"");
  CHECK(fts5_quote("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(fts5_quote("") == "\"\"");
  CHECK(fts5_quote(std::string("a\0b\x01\x7F", 5)) == "\"ab\"");
  CHECK(fts5_quote("\xFF\xFEok") == "\"ok\"");
  CHECK(fts5_quote("caf\xC3\xA9") == "\"caf\xC3\xA9\"");
  Fts fts;
  // Every FTS5 operator and special character, alone and in company.
  for (const std::string& term : std::vector<std::string>{"\"",
                                                          "\"\"",
                                                          "-",
                                                          "-doctor",
                                                          ":",
                                                          "body:doctor",
                                                          "*",
                                                          "doc*",
                                                          "^",
                                                          "^see",
                                                          "NEAR(",
                                                          "NEAR(see doctor)",
                                                          "NEAR/2",
                                                          "AND",
                                                          "OR",
                                                          "NOT",
                                                          "see AND doctor",
                                                          "(",
                                                          ")",
                                                          "{body}",
                                                          "+",
                                                          "a\"b",
                                                          "'; DROP TABLE t;--",
                                                          "\xF0\x9F\x98\x80",
                                                          std::string("\x01\x02\x7F", 3),
                                                          std::string(1, '\0'),
                                                          "\xFF\xFE",
                                                          std::string(20000, 'a')}) {
    INFO("term: " << term.substr(0, 40));
    CHECK(fts.count(fts5_quote(term)) >= 0);
  }
  CHECK(fts.count(fts5_quote("doctor")) == 1);
  CHECK(fts.count(fts5_quote("NEAR")) == 1);  // a plain word, not the operator
  CHECK(fts.count(fts5_quote("see a doctor")) == 1);
  CHECK(fts.count(fts5_quote("doctor see")) == 0);  // a phrase, in order
}

TEST_CASE("build_match ORs quoted terms") {
  CHECK(build_match({}).empty());
  CHECK(build_match({"eye"}) == "\"eye\"");
  CHECK(build_match({"eye", "physical therapy"}) == "\"eye\" OR \"physical therapy\"");
  Fts fts;
  CHECK(fts.count(build_match({"doctor", "physical therapy", "NOT", "-"})) == 3);
}

namespace {

// A query builder over a small vocabulary, stemming with the real FTS5
// porter stemmer.
struct Builder {
  sqlite3* db = nullptr;
  std::unique_ptr<Stemmer> stemmer;
  Vocabulary vocab;
  Synonyms synonyms;
  guidechat::language::Lexicon lexicon;
  std::unique_ptr<QueryBuilder> builder;

  Builder() {
    sqlite3_open(":memory:", &db);
    auto s = Stemmer::open(db);
    REQUIRE(s.ok());
    stemmer = std::move(*s);
    for (const char* w : {"doctor", "symptoms", "spasm", "facial", "physical", "therapy", "muscle",
                          "relaxants", "twitching", "eye", "blinking", "fatigue", "tiredness",
                          "stress", "exercises", "right", "away"}) {
      vocab.stems.emplace(stemmer->stem(w), static_cast<StemId>(vocab.idf.size()));
      vocab.idf.push_back(1.0);
      vocab.speller.add(w, 2);
    }
    vocab.core.assign(vocab.idf.size(), false);
    vocab.core[vocab.stems.at("spasm")] = true;
    for (const char* w : {"when", "should", "i", "my", "the", "a", "how", "is"}) {
      vocab.speller.add(w, 1);
    }
    vocab.speller.finish();
    auto syn = Synonyms::parse(
        "physio = physical therapy\nmuscle relaxer = muscle relaxants\ntwitchy = twitching\n"
        "doc, gp = doctor\neyelid = eye, blinking\ntired = fatigue, tiredness\n",
        "s.txt");
    REQUIRE(syn.ok());
    synonyms = std::move(*syn);
    lexicon = guidechat::language::Lexicon::from_text(
        "when should i my the a how is wen shud what",
        "back 10\ncapital 10\ndoctor 10\neye 10\nfrance 50\n");
    builder = std::make_unique<QueryBuilder>(&vocab, &synonyms, &lexicon);
  }
  ~Builder() {
    stemmer.reset();
    sqlite3_close(db);
  }
  Analysis analyze(std::string_view q) const {
    return builder->analyze(q, [this](std::string_view w) { return stemmer->stem(w); });
  }
};

std::vector<std::string> words_of(const Analysis& a) {
  std::vector<std::string> out;
  for (const auto& w : a.words) out.push_back(w.word);
  return out;
}

}  // namespace

TEST_CASE("everyday words carry no topic; typos are corrected") {
  Builder b;
  auto a = b.analyze("wen shud i see a docter");
  // "see" is not in this small everyday list, so it stays (unknown).
  CHECK(words_of(a) == std::vector<std::string>{"see", "doctor"});
  CHECK_FALSE(a.words[0].known);
  CHECK(a.words[1].known);
  CHECK(a.words[1].typed == "docter");
  CHECK(words_of(b.analyze("simptoms")) == std::vector<std::string>{"symptoms"});
  CHECK(words_of(b.analyze("spsam")) == std::vector<std::string>{"spasm"});
  CHECK(words_of(b.analyze("excercises")) == std::vector<std::string>{"exercises"});
  // A real English word is never "corrected" into the guide's vocabulary.
  auto back = b.analyze("back");
  CHECK(words_of(back) == std::vector<std::string>{"back"});
  CHECK_FALSE(back.words[0].known);
}

TEST_CASE("a question of nothing but misspellings tries at most 4 corrections") {
  // Correcting is the costly step of a search (a scan of the known words of
  // similar length): a message of 32 misspelled words must not pay it 32
  // times. The first ones are still corrected.
  Builder b;
  std::string q;
  for (int i = 0; i < 40; ++i) q += (i % 2 ? "simptoms " : "docter ");
  auto a = b.analyze(q);
  CHECK(a.corrections == guidechat::limits::kMaxCorrectionsPerQuery);
  REQUIRE(!a.words.empty());
  CHECK(a.words[0].word == "doctor");
  CHECK(a.words[1].word == "symptoms");
  // A real question is not affected.
  auto real = b.analyze("wen shud i see a docter");
  CHECK(real.corrections <= 3);
  CHECK(words_of(real) == std::vector<std::string>{"see", "doctor"});
}

TEST_CASE("synonyms add the guide's words and count as known") {
  Builder b;
  auto a = b.analyze("can physio help my twitchy eyelid when I'm tired");
  REQUIRE(a.words.size() >= 4);
  auto find = [&](const std::string& typed) -> const QueryWord* {
    for (const auto& w : a.words) {
      if (w.typed == typed) return &w;
    }
    return nullptr;
  };
  REQUIRE(find("physio") != nullptr);
  CHECK(find("physio")->forms == std::vector<std::string>{"physical therapy"});
  CHECK(find("twitchy")->forms == std::vector<std::string>{"twitching"});
  CHECK(find("eyelid")->forms == std::vector<std::string>{"eye", "blinking"});
  CHECK(find("tired")->forms == std::vector<std::string>{"fatigue", "tiredness"});
  CHECK(a.match.find("\"physical therapy\"") != std::string::npos);
  CHECK(a.match.find("\"blinking\"") != std::string::npos);
  // Multi-word left sides and plurals.
  auto m = b.analyze("Muscle Relaxers?");
  REQUIRE(m.words.size() == 1);
  CHECK(m.words[0].forms.back() == "muscle relaxants");
  auto gp = b.analyze("GP");
  REQUIRE(gp.words.size() == 1);
  CHECK(gp.words[0].forms == std::vector<std::string>{"doctor"});
}

TEST_CASE("the match expression is built from quoted guide words only") {
  Builder b;
  Fts fts;
  for (const std::string& q :
       std::vector<std::string>{"\"doctor\" NEAR(eye blinking) AND OR NOT -stress body:x * ^spasm",
                                "'; DROP TABLE passages; --", "SELECT * FROM passages WHERE 1=1",
                                "\xF0\x9F\x98\x80\xF0\x9F\x98\xA1 eye \x01\x02\x03 twitching\t\r\n",
                                std::string(20000, 'x') + " doctor", "\xFF\xFE\xC3 doctor", ""}) {
    INFO("question: " << q.substr(0, 60));
    auto a = b.analyze(q);
    CHECK(fts.count(a.match.empty() ? "\"x\"" : a.match) >= 0);
    CHECK(fts.count(a.synonym_match.empty() ? "\"x\"" : a.synonym_match) >= 0);
    // Nothing but quoted terms joined by OR.
    std::string rest = a.match + " OR " + a.synonym_match;
    for (const auto& w : a.words) {
      for (const auto& f : w.forms) {
        auto quoted = fts5_quote(f);
        for (auto p = rest.find(quoted); p != std::string::npos; p = rest.find(quoted)) {
          rest.erase(p, quoted.size());
        }
      }
    }
    for (auto p = rest.find(" OR "); p != std::string::npos; p = rest.find(" OR ")) {
      rest.erase(p, 4);
    }
    CHECK(rest.empty());
  }
  auto ops = b.analyze("\"doctor\" NEAR(eye blinking) AND OR NOT -stress");
  CHECK(words_of(ops) == std::vector<std::string>{"doctor", "near", "eye", "blinking", "and", "or",
                                                  "not", "stress"});
  CHECK(ops.match == "\"doctor\" OR \"eye\" OR \"blinking\" OR \"stress\"");
  // Very long input is cut, not refused.
  auto long_q = b.analyze(std::string(20000, 'x'));
  CHECK(long_q.match.empty());
}

TEST_CASE("weights follow how common a word is; core words are marked") {
  CHECK(QueryBuilder::weight_of_class(10) < QueryBuilder::weight_of_class(35));
  CHECK(QueryBuilder::weight_of_class(35) < QueryBuilder::weight_of_class(50));
  CHECK(QueryBuilder::weight_of_class(0) == 1.0);
  Builder b;
  auto a = b.analyze("capital of france spasm");
  REQUIRE(a.words.size() == 4);
  CHECK(a.words[0].weight < a.words[2].weight);  // capital (10) < france (50)
  CHECK(a.words[3].core);
  CHECK_FALSE(a.words[0].core);
}

TEST_CASE("product-wide lay words stand in for words the guide lacks, at less credit") {
  Builder b;
  b.lexicon = guidechat::language::Lexicon::from_text(
      "when should i my the a how is", "doctor 10\neye 10\n", "",
      "physio\tphysiotherapist\t\nphysiotherapy\tphysical therapy\t\n"
      "tuckered out\ttired\tfatigue\nweariness\ttiredness,banana\tfatigue\n");
  b.builder = std::make_unique<QueryBuilder>(&b.vocab, &b.synonyms, &b.lexicon);
  auto a = b.analyze("is physiotherapy good");
  REQUIRE(a.words.size() == 2);
  CHECK(a.words[0].forms == std::vector<std::string>{"physical therapy"});
  CHECK(a.words[0].known);
  CHECK(a.words[0].form_idf.front() < a.words[0].idf);
  // Synonyms first, then broader words; forms the index lacks are dropped.
  auto w = b.analyze("weariness");
  REQUIRE(w.words.size() == 1);
  CHECK(w.words[0].forms == std::vector<std::string>{"tiredness", "fatigue"});
  CHECK(w.words[0].form_idf[1] < w.words[0].form_idf[0]);
  // A two-word phrase.
  auto t = b.analyze("tuckered out");
  REQUIRE(t.words.size() == 1);
  CHECK(t.words[0].word == "tuckered out");
  CHECK(t.words[0].forms == std::vector<std::string>{"fatigue"});
  // The guide's own synonyms win.
  auto p = b.analyze("physio");
  REQUIRE(p.words.size() == 1);
  CHECK(p.words[0].forms == std::vector<std::string>{"physical therapy"});
}
