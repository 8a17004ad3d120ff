#include "knowledge/index.hpp"

#include <sqlite3.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
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

std::shared_ptr<const KnowledgeBase> bundled_knowledge() {
  static std::shared_ptr<const KnowledgeBase> kb = [] {
    auto loaded = KnowledgeBase::load(std::string(GUIDECHAT_SOURCE_DIR) + "/knowledge");
    REQUIRE(loaded.ok());
    return *loaded;
  }();
  return kb;
}

// A fresh index of the bundled guide (its own cache and counters).
std::shared_ptr<const Index> fresh_index(std::size_t cache_entries) {
  Index::Options options;
  options.cache_entries = cache_entries;
  auto idx = Index::build(bundled_knowledge(), options);
  REQUIRE(idx.ok());
  return *idx;
}

// Every question of questions.json, in scope or not.
std::vector<std::string> question_set() {
  std::ifstream in(std::string(GUIDECHAT_SOURCE_DIR) + "/tests/knowledge/questions.json");
  REQUIRE(in);
  auto set = nlohmann::json::parse(in);
  std::vector<std::string> out;
  for (const auto& item : set.at("in_scope")) out.push_back(item.at("q").get<std::string>());
  for (const auto& item : set.at("out_of_scope")) out.push_back(item.get<std::string>());
  return out;
}

bool same_result(const SearchResult& a, const SearchResult& b) {
  if (a.confidence != b.confidence || a.in_scope != b.in_scope || a.suggestions != b.suggestions ||
      a.hits.size() != b.hits.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.hits.size(); ++i) {
    if (a.hits[i].section != b.hits[i].section || a.hits[i].text != b.hits[i].text ||
        a.hits[i].score != b.hits[i].score) {
      return false;
    }
  }
  return true;
}

void check_same(const SearchResult& a, const SearchResult& b) {
  CHECK(a.confidence == b.confidence);
  CHECK(a.in_scope == b.in_scope);
  CHECK(a.suggestions == b.suggestions);
  REQUIRE(a.hits.size() == b.hits.size());
  for (std::size_t i = 0; i < a.hits.size(); ++i) {
    INFO("hit " << i);
    REQUIRE(a.hits[i].section != nullptr);
    REQUIRE(b.hits[i].section != nullptr);
    CHECK(a.hits[i].section->id == b.hits[i].section->id);
    CHECK(a.hits[i].text == b.hits[i].text);
    CHECK(a.hits[i].score == b.hits[i].score);
  }
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

TEST_CASE("cached results equal fresh ones for every question of the set") {
  auto cached = fresh_index(limits::kSearchCacheEntries);
  auto uncached = fresh_index(0);
  const auto questions = question_set();
  REQUIRE(questions.size() >= 85);
  for (std::size_t max_hits : {std::size_t{1}, std::size_t{3}, std::size_t{5}}) {
    for (const auto& q : questions) {
      INFO(q << ", max_hits " << max_hits);
      auto s0 = cached->cache_stats();
      // The first search may already hit: another question of the set can
      // have the same topic words.
      auto first = cached->search(q, max_hits);
      auto s1 = cached->cache_stats();
      CHECK(s1.hits + s1.misses == s0.hits + s0.misses + 1);
      auto second = cached->search(q, max_hits);
      auto s2 = cached->cache_stats();
      CHECK(s2.hits == s1.hits + 1);
      CHECK(s2.misses == s1.misses);
      auto fresh = uncached->search(q, max_hits);
      check_same(first, fresh);
      check_same(second, fresh);
    }
  }
  // Without a cache nothing is counted.
  CHECK(uncached->cache_stats().hits == 0);
  CHECK(uncached->cache_stats().misses == 0);
}

TEST_CASE("a question asked again in other words is answered from the cache") {
  auto index = fresh_index(limits::kSearchCacheEntries);
  auto uncached = fresh_index(0);
  // Greetings and "please" are everyday words: both analyse to the same
  // topic words.
  auto a = index->search("hello, when should I see a doctor?", 3);
  auto s1 = index->cache_stats();
  CHECK(s1.hits == 0);
  CHECK(s1.misses == 1);
  auto b = index->search("when should i see a doctor please", 3);
  auto s2 = index->cache_stats();
  CHECK(s2.hits == 1);
  CHECK(s2.misses == 1);
  check_same(a, b);
  check_same(b, uncached->search("when should i see a doctor please", 3));
  REQUIRE(!b.hits.empty());
  CHECK(b.hits[0].section->id == "when-to-seek-medical-attention");
  // A different topic is not confused with it.
  index->search("when should I see a physio", 3);
  CHECK(index->cache_stats().misses == 2);
}

TEST_CASE("a word the guide lacks is keyed by its weight, not its spelling") {
  auto index = fresh_index(limits::kSearchCacheEntries);
  auto uncached = fresh_index(0);
  // "dog" and "cat" are as common (the same weight), "giraffe" is rarer: a
  // question about it is less likely to be covered.
  const std::string dog = "can my dog get facial spasms";
  const std::string cat = "can my cat get facial spasms";
  const std::string giraffe = "can my giraffe get facial spasms";
  check_same(index->search(dog, 3), uncached->search(dog, 3));
  check_same(index->search(cat, 3), uncached->search(cat, 3));
  CHECK(index->cache_stats().hits == 1);
  auto rare = index->search(giraffe, 3);
  CHECK(index->cache_stats().misses == 2);
  check_same(rare, uncached->search(giraffe, 3));
  CHECK(rare.confidence != uncached->search(dog, 3).confidence);
}

TEST_CASE("the cache is bounded: the oldest entries are forgotten") {
  constexpr std::size_t kEntries = 4;
  auto index = fresh_index(kEntries);
  auto uncached = fresh_index(0);
  // Distinct topics, more than the two generations hold.
  const std::vector<std::string> questions{"when should I see a doctor",
                                           "muscle relaxers",
                                           "capital of France",
                                           "simptoms",
                                           "can physio help",
                                           "does stress make it worse",
                                           "botox injections",
                                           "my eyelid keeps twitching",
                                           "home remedies",
                                           "how long does a spasm last",
                                           "is it serious"};
  REQUIRE(questions.size() > 2 * kEntries);
  for (const auto& q : questions) {
    INFO(q);
    auto before = index->cache_stats();
    check_same(index->search(q, 3), uncached->search(q, 3));
    CHECK(index->cache_stats().misses == before.misses + 1);
  }
  // The latest is still there; the earliest were forgotten and are searched
  // again, with the same results.
  auto before = index->cache_stats();
  check_same(index->search(questions.back(), 3), uncached->search(questions.back(), 3));
  CHECK(index->cache_stats().hits == before.hits + 1);
  for (std::size_t i = 0; i < 2; ++i) {
    INFO(questions[i]);
    before = index->cache_stats();
    check_same(index->search(questions[i], 3), uncached->search(questions[i], 3));
    CHECK(index->cache_stats().misses == before.misses + 1);
  }
}

TEST_CASE("a question asked often stays cached while others come and go") {
  auto index = fresh_index(4);
  const std::string often = "when should I see a doctor";
  index->search(often, 3);
  const std::vector<std::string> others{"muscle relaxers",
                                        "capital of France",
                                        "simptoms",
                                        "can physio help",
                                        "does stress make it worse",
                                        "botox injections",
                                        "home remedies",
                                        "is it serious",
                                        "how long does a spasm last",
                                        "my eyelid keeps twitching",
                                        "what causes facial spasms"};
  for (std::size_t i = 0; i < others.size(); ++i) {
    INFO(others[i]);
    index->search(others[i], 3);
    if (i % 3 == 2) {
      auto before = index->cache_stats();
      index->search(often, 3);
      CHECK(index->cache_stats().hits == before.hits + 1);
    }
  }
}

TEST_CASE("a question of very many topic words is searched but not cached") {
  auto index = fresh_index(limits::kSearchCacheEntries);
  auto uncached = fresh_index(0);
  // Lay words with several synonyms each: a key far longer than any real
  // question's.
  const std::string q =
      "physio relaxer medication cure heat massage breathing meditate diet exercise sleep "
      "relax doc nurse carer appointment emergency hospital eyelid blink mouth cheek stress "
      "tired caffeine twitching symptoms causes";
  auto a = index->search(q, 3);
  auto b = index->search(q, 3);
  CHECK(index->cache_stats().hits == 0);
  CHECK(index->cache_stats().misses == 2);
  check_same(a, uncached->search(q, 3));
  check_same(b, a);
}

TEST_CASE("searches with different max_hits do not share a cache entry") {
  auto index = fresh_index(limits::kSearchCacheEntries);
  auto uncached = fresh_index(0);
  const std::string q = "what causes facial spasms";
  auto one = index->search(q, 1);
  auto three = index->search(q, 3);
  CHECK(index->cache_stats().misses == 2);
  CHECK(index->cache_stats().hits == 0);
  CHECK(one.hits.size() == 1);
  CHECK(three.hits.size() == 3);
  check_same(index->search(q, 1), uncached->search(q, 1));
  check_same(index->search(q, 3), uncached->search(q, 3));
  CHECK(index->cache_stats().misses == 2);
  CHECK(index->cache_stats().hits == 2);
}

TEST_CASE("explain is never answered from the cache") {
  auto index = fresh_index(limits::kSearchCacheEntries);
  auto uncached = fresh_index(0);
  const std::string q = "wen shud i see a docter";
  index->search(q, 5);  // explain() ranks 5 hits: the same key, were it cached
  auto before = index->cache_stats();
  std::string e = index->explain(q);
  CHECK(e == uncached->explain(q));
  CHECK(e.find("rank") != std::string::npos);
  CHECK(e.find("docter->doctor") != std::string::npos);
  CHECK(index->cache_stats().hits == before.hits);
  CHECK(index->cache_stats().misses == before.misses);
}

TEST_CASE("threads sharing a caching index get the single-thread results") {
  auto index = fresh_index(limits::kSearchCacheEntries);
  auto uncached = fresh_index(0);
  const auto questions = question_set();
  std::vector<SearchResult> expected;
  for (const auto& q : questions) expected.push_back(uncached->search(q, 3));
  constexpr int kThreads = 2;
  constexpr int kRounds = 3;
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        for (std::size_t i = 0; i < questions.size(); ++i) {
          // The threads walk the set from different places.
          std::size_t k =
              (i + static_cast<std::size_t>(t) * questions.size() / 2) % questions.size();
          if (!same_result(index->search(questions[k], 3), expected[k])) ++mismatches;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(mismatches == 0);
  auto stats = index->cache_stats();
  CHECK(stats.hits + stats.misses == kThreads * kRounds * questions.size());
  // Each thread has its own cache: every later round is answered from it.
  CHECK(stats.hits >= kThreads * (kRounds - 1) * questions.size());
}
