#include "knowledge/index.hpp"

#include <sqlite3.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <random>
#include <thread>

#include "common/limits.hpp"
#include "knowledge/scope.hpp"

using namespace guidechat;
using namespace guidechat::knowledge;

namespace {

std::shared_ptr<const Index> bundled_index() {
  static std::shared_ptr<const Index> index = [] {
    auto kb = KnowledgeBase::load(std::string(GUIDECHAT_SOURCE_DIR) + "/knowledge");
    REQUIRE(kb.ok());
    auto idx = Index::build(*kb, {});
    REQUIRE(idx.ok());
    return *idx;
  }();
  return index;
}

}  // namespace

TEST_CASE("search answers with a passage and its section") {
  auto index = bundled_index();
  auto r = index->search("when should I see a doctor", 3);
  CHECK(r.in_scope);
  REQUIRE(!r.hits.empty());
  CHECK(r.hits.size() <= 3);
  CHECK(r.hits[0].section->id == "when-to-seek-medical-attention");
  CHECK(r.hits[0].text.find("see a doctor right away") != std::string::npos);
  CHECK(r.hits[0].text.size() <= limits::kMaxPassageChars);
  CHECK(r.hits[0].score > 0.0);
  CHECK(r.hits[0].score <= 1.0);
  for (std::size_t i = 1; i < r.hits.size(); ++i) CHECK(r.hits[i].score <= r.hits[0].score);
  CHECK(r.confidence >= index->threshold());
  CHECK(index->threshold() == limits::kScopeThreshold);
}

TEST_CASE("out-of-scope questions get suggestions instead") {
  auto index = bundled_index();
  for (const char* q : {"capital of France", "how much insulin should I take",
                        "best yoga poses for back pain", "eye drops for dry eyes",
                        "lip balm for chapped lips", "what is Bell's palsy", "", "   ", "?!"}) {
    INFO(q);
    auto r = index->search(q, 3);
    CHECK_FALSE(r.in_scope);
    CHECK(r.confidence < index->threshold());
    CHECK(r.confidence >= 0.0);
    REQUIRE(r.suggestions.size() >= 2);
    CHECK(r.suggestions.size() <= 4);
    for (const auto& s : r.suggestions) CHECK(!s.empty());
  }
}

TEST_CASE("hostile input gives a normal result, never an error") {
  auto index = bundled_index();
  std::string big;
  for (int i = 0; i < 2000; ++i) big += "doctor?! ";
  for (std::string q : {std::string("\"doctor"),
                        std::string("doctor\""),
                        std::string("- doctor"),
                        std::string("doctor -eye"),
                        std::string("title:doctor"),
                        std::string("doc*"),
                        std::string("^doctor"),
                        std::string("NEAR(doctor eye)"),
                        std::string("NEAR(\""),
                        std::string("doctor AND eye OR NOT twitching"),
                        std::string("AND"),
                        std::string("OR OR"),
                        std::string("'); DROP TABLE passages; --"),
                        std::string("1 UNION SELECT * FROM sqlite_master"),
                        std::string("\xF0\x9F\x98\xB5 eye twitching \xF0\x9F\x91\x81"),
                        std::string("\x01\x02\x03\x1B[31mdoctor\x7F", 16),
                        std::string("doc\0tor", 7),
                        std::string("\xC3\x28 \xFF doctor"),
                        std::string(20000, 'a'),
                        big,
                        std::string(20000, '"'),
                        std::string(20000, '*')}) {
    INFO("question: " << q.substr(0, 40));
    auto r = index->search(q, 3);
    CHECK(r.confidence >= 0.0);
    CHECK(r.confidence <= 1.0);
    CHECK(r.in_scope == (r.confidence >= index->threshold()));
    CHECK((!r.hits.empty() || !r.suggestions.empty()));
  }
  // A real question survives the noise around it.
  auto r = index->search("\"(\" -- when should I see a docter?! *^: \xF0\x9F\x98\x80", 1);
  CHECK(r.in_scope);
  REQUIRE(!r.hits.empty());
  CHECK(r.hits[0].section->id == "when-to-seek-medical-attention");
}

TEST_CASE("lay words, synonyms and typos find the passage") {
  auto index = bundled_index();
  struct Case {
    const char* q;
    const char* section;
    const char* phrase;
  };
  for (const Case& c : {
           Case{"can physio strengthen my face", "effective-treatment-options-and-home-remedies",
                "Physical therapy"},
           Case{"muscle relaxers", "effective-treatment-options-and-home-remedies",
                "muscle relaxants"},
           Case{"wen shud i see a docter", "when-to-seek-medical-attention", "see a doctor"},
           Case{"excercises", "effective-treatment-options-and-home-remedies", "exercis"},
           Case{"simptoms", "common-symptoms-of-facial-spasms", "symptoms"},
       }) {
    INFO(c.q);
    auto r = index->search(c.q, 1);
    CHECK(r.in_scope);
    REQUIRE(!r.hits.empty());
    CHECK(r.hits[0].section->id == c.section);
    CHECK(r.hits[0].text.find(c.phrase) != std::string::npos);
  }
}

TEST_CASE("the threshold separates covered from not covered") {
  // Topic words of a question, built by hand: known or not, weight, core.
  auto word = [](bool known, double weight, bool core = false) {
    QueryWord w;
    w.known = known;
    w.weight = weight;
    w.core = core;
    if (known) w.form_stems = {{1}};
    return w;
  };
  CHECK(scope_confidence({}, 1.0) == 0.0);
  CHECK(scope_confidence({word(true, 1.0)}, 1.0) == Approx(1.0));
  CHECK(scope_confidence({word(false, 1.0)}, 0.0) == 0.0);
  // Half the topic known: below the threshold, since a missing word usually
  // names what the question is about ...
  double half = scope_confidence({word(true, 1.0), word(false, 1.0)}, 0.5);
  CHECK(half < limits::kScopeThreshold);
  // ... unless the question names the guide's subject itself.
  double half_core = scope_confidence({word(true, 1.0, true), word(false, 1.0)}, 0.5);
  CHECK(half_core > half);
  // More known weight, more confidence; a better section, more confidence.
  double most = scope_confidence({word(true, 1.0), word(true, 1.0), word(false, 0.4)}, 0.8);
  CHECK(most > half);
  CHECK(most >= limits::kScopeThreshold);
  CHECK(scope_confidence({word(true, 1.0), word(false, 0.4)}, 0.3) <
        scope_confidence({word(true, 1.0), word(false, 0.4)}, 0.7));
}

TEST_CASE("coverage and overlap") {
  QueryWord a;
  a.weight = 1.0;
  a.known = true;
  a.form_stems = {{1, 2}, {5}};  // a phrase, or one word
  a.form_idf = {2.0, 0.5};
  a.idf = 2.0;
  QueryWord b;
  b.weight = 1.0;
  b.known = true;
  b.form_stems = {{3}};
  b.form_idf = {1.0};
  b.idf = 1.0;
  std::vector<QueryWord> words{a, b};
  CHECK(coverage(words, {1, 2, 3}) == Approx(1.0));
  CHECK(coverage(words, {1, 3}) == Approx(0.5));  // the phrase needs both words
  CHECK(coverage(words, {5}) == Approx(0.5));
  CHECK(coverage(words, {5}, true) == Approx(0.5 / 3.0));  // found by its common form
  CHECK(coverage(words, {1, 2}, true) == Approx(2.0 / 3.0));
  std::vector<double> idf{0, 1, 1, 2};
  CHECK(overlap({1, 2, 3}, {1, 3}, idf) == Approx(0.75));
  CHECK(overlap({}, {1}, idf) == 0.0);
}

TEST_CASE("search is safe from many threads at once") {
  auto index = bundled_index();
  const std::vector<std::string> questions{"when should I see a doctor", "muscle relaxers",
                                           "capital of France", "simptoms", "yoga"};
  std::vector<SearchResult> expected;
  for (const auto& q : questions) expected.push_back(index->search(q, 3));
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        std::size_t k = static_cast<std::size_t>(t + i) % questions.size();
        auto r = index->search(questions[k], 3);
        if (r.confidence != expected[k].confidence || r.hits.size() != expected[k].hits.size() ||
            (!r.hits.empty() && r.hits[0].text != expected[k].hits[0].text)) {
          ++mismatches;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(mismatches == 0);
}

TEST_CASE("indexes come and go; each thread's connection follows its index") {
  auto kb = KnowledgeBase::load(std::string(GUIDECHAT_SOURCE_DIR) + "/knowledge");
  REQUIRE(kb.ok());
  for (int i = 0; i < 5; ++i) {
    auto idx = Index::build(*kb, {});
    REQUIRE(idx.ok());
    auto r = (*idx)->search("physio", 1);
    REQUIRE(!r.hits.empty());
    CHECK(&(*idx)->knowledge() == kb->get());
  }
}

TEST_CASE("--db keeps the index in a SQLite file") {
  auto kb = KnowledgeBase::load(std::string(GUIDECHAT_SOURCE_DIR) + "/knowledge");
  REQUIRE(kb.ok());
  std::random_device rd;
  auto path = std::filesystem::temp_directory_path() /
              ("guidechat-index-test-" + std::to_string(rd()) + ".db");
  Index::Options options;
  options.db_path = path.string();
  auto idx = Index::build(*kb, options);
  REQUIRE(idx.ok());
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "SELECT count(*) FROM passages WHERE passages MATCH 'doctor'", -1,
                             &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(sqlite3_column_int(st, 0) >= 3);
  sqlite3_finalize(st);
  sqlite3_close(db);
  std::filesystem::remove(path);

  options.db_path = "/nonexistent-dir/x/index.db";
  auto bad = Index::build(*kb, options);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("/nonexistent-dir/x/index.db") != std::string::npos);
}

TEST_CASE("explain shows how a question was understood") {
  auto index = bundled_index();
  std::string e = index->explain("wen shud i see a docter");
  CHECK(e.find("docter->doctor") != std::string::npos);
  CHECK(e.find("confidence") != std::string::npos);
}

TEST_CASE("every suggestion, asked back, is answered from its own section") {
  auto index = bundled_index();
  auto r = index->search("capital of France", 3);
  REQUIRE_FALSE(r.in_scope);
  REQUIRE(!r.suggestions.empty());
  for (const Section* s : index->knowledge().sections()) {
    INFO(s->title);
    auto back = index->search(s->title, 1);
    CHECK(back.in_scope);
    REQUIRE(!back.hits.empty());
    CHECK(back.hits[0].section == s);
  }
}
