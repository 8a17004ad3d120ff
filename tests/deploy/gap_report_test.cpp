// The content-gap report: which words of a fallback question are kept, what
// reaches the file, and that nothing identifying does.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "knowledge/knowledge_base.hpp"
#include "server/gap_report.hpp"

using guidechat::server::GapReport;
using guidechat::server::GapTotals;
namespace fs = std::filesystem;

namespace {

std::shared_ptr<const guidechat::knowledge::KnowledgeBase> bundled() {
  static auto kb = [] {
    auto r =
        guidechat::knowledge::KnowledgeBase::load(fs::path(GUIDECHAT_SOURCE_DIR) / "knowledge");
    REQUIRE(r.ok());
    return r.value();
  }();
  return kb;
}

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() /
           ("gap_report_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter()++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::unique_ptr<GapReport> open_report(const fs::path& file, std::size_t min_count = 3) {
  GapReport::Options o;
  o.min_count = min_count;
  o.flush_interval = std::chrono::seconds(3600);
  auto r = GapReport::open(file, bundled(), o);
  REQUIRE(r.ok());
  return std::move(r.value());
}

using Words = std::vector<std::string>;

}  // namespace

TEST_CASE("key words drop stop words and what the guide already says", "[gaps]") {
  TempDir dir;
  auto report = open_report(dir.path / "gaps.json");
  CHECK(report->key_words("Does acupuncture help facial spasms?") == Words{"acupuncture"});
  // Inflections of guide words count as guide words.
  CHECK(report->key_words("can acupuncture stop the twitching of my eyelids") ==
        Words{"acupuncture"});
  CHECK(report->key_words("is BOTOX safe") == Words{"botox", "safe"});
  // Only guide words and stop words: the group of "the search missed it".
  CHECK(report->key_words("what are the symptoms of facial spasm").empty());
  CHECK(report->key_words("").empty());
}

TEST_CASE("key words never keep names, numbers or addresses", "[gaps]") {
  TempDir dir;
  auto report = open_report(dir.path / "gaps.json");
  // A capitalised word inside a sentence is taken for a name or a place.
  CHECK(report->key_words("my daughter Siobhan from Leeds asks about acupuncture") ==
        Words{"acupuncture"});
  // Numbers, dates, phone numbers, e-mail and web addresses are dropped whole.
  CHECK(report->key_words("acupuncture 07700900123 born 12/03/1961 age 63") ==
        Words{"acupuncture", "age", "born"});
  CHECK(report->key_words("mail jo.bloggs@example.org or see https://example.org/acupuncture")
            .size() <= 1);
  CHECK(report->key_words("mail jo.bloggs@example.org about acupuncture") ==
        Words{"acupuncture", "mail"});
  // Abbreviations in capitals are topics, not names.
  CHECK(report->key_words("will an MRI show it") == Words{"mri", "show"});
}

TEST_CASE("a question's group is its rarest few key words, sorted", "[gaps]") {
  TempDir dir;
  auto report = open_report(dir.path / "gaps.json");
  auto words = report->key_words(
      "acupuncture chiropractor hypnotherapy homeopathy reflexology dentist insurance");
  REQUIRE(words.size() == guidechat::limits::kGapMaxKeyWords);
  CHECK(std::is_sorted(words.begin(), words.end()));
  // The same words in another order make the same group.
  CHECK(report->key_words("insurance dentist reflexology homeopathy hypnotherapy chiropractor "
                          "acupuncture") == words);
}

TEST_CASE("groups reach the file only after enough questions shared them", "[gaps]") {
  TempDir dir;
  auto file = dir.path / "gaps.json";
  auto report = open_report(file, 3);
  report->record("Does acupuncture help?");
  report->record("what about acupuncture for my mum Bridget");
  report->record("Is BOTOX safe for my husband Rupert?");
  REQUIRE(report->flush().ok());
  auto once = GapTotals::read(file);
  REQUIRE(once.ok());
  CHECK(once->fallbacks == 3);
  CHECK(once->groups.empty());

  report->record("acupuncture??");
  REQUIRE(report->flush().ok());
  auto text = slurp(file);
  auto after = GapTotals::read(file);
  REQUIRE(after.ok());
  CHECK(after->fallbacks == 4);
  CHECK(after->groups == std::map<std::string, std::uint64_t>{{"acupuncture", 3}});
  // Nothing of the questions but the shared key word is stored.
  for (const char* absent : {"Bridget", "bridget", "Rupert", "rupert", "botox", "mum", "Does"})
    CHECK(text.find(absent) == std::string::npos);
}

TEST_CASE("record_frame counts only say messages", "[gaps]") {
  TempDir dir;
  auto report = open_report(dir.path / "gaps.json", 1);
  report->record_frame(R"({"type":"say","id":1,"text":"acupuncture?"})");
  report->record_frame(R"({"type":"start","flow":"acupuncture"})");
  report->record_frame("not json at all acupuncture");
  auto t = report->totals();
  CHECK(t.fallbacks == 1);
  CHECK(t.groups == std::map<std::string, std::uint64_t>{{"acupuncture", 1}});
}

TEST_CASE("a report continues its file and refuses a malformed one", "[gaps]") {
  TempDir dir;
  auto file = dir.path / "gaps.json";
  {
    auto report = open_report(file, 1);
    report->record("acupuncture");
    report->record("acupuncture");
  }  // the destructor flushes
  {
    auto report = open_report(file, 1);
    report->record("acupuncture");
    CHECK(report->totals().groups.at("acupuncture") == 3);
    CHECK(report->totals().fallbacks == 3);
  }
  std::ofstream(file) << "{\"format\":\"guidechat-gaps\",\"version\":1,\"since\":";
  auto broken = GapReport::open(file, bundled());
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().find("gaps.json") != std::string::npos);
  // The malformed file is left as it was, not overwritten.
  CHECK(slurp(file).find("\"since\":") != std::string::npos);

  auto unwritable = GapReport::open(dir.path / "no-such-dir" / "gaps.json", bundled());
  CHECK_FALSE(unwritable.ok());
}

TEST_CASE("reports of several replicas add up", "[gaps]") {
  GapTotals a, b;
  a.since = "2026-02-01";
  a.fallbacks = 10;
  a.groups = {{"acupuncture", 5}, {"botox", 3}, {"", 2}};
  b.since = "2026-01-15";
  b.fallbacks = 7;
  b.groups = {{"botox", 4}, {"yoga class", 1}};
  a.merge(b);
  CHECK(a.since == "2026-01-15");
  CHECK(a.fallbacks == 17);
  auto top = a.top(10, 2);
  REQUIRE(top.size() == 3);
  CHECK(top[0] == std::pair<std::string, std::uint64_t>{"botox", 7});
  CHECK(top[1] == std::pair<std::string, std::uint64_t>{"acupuncture", 5});
  CHECK(top[2] == std::pair<std::string, std::uint64_t>{"", 2});
  CHECK(a.top(1, 1).size() == 1);
}

TEST_CASE("many threads record at once without losing a count", "[gaps]") {
  TempDir dir;
  GapReport::Options o;
  o.min_count = 1;
  o.flush_interval = std::chrono::seconds(0);  // also write the file on every record
  auto r = GapReport::open(dir.path / "gaps.json", bundled(), o);
  REQUIRE(r.ok());
  auto& report = *r.value();
  constexpr int kThreads = 4, kEach = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) report.record(t % 2 ? "acupuncture" : "botox please");
    });
  for (auto& t : threads) t.join();
  auto totals = GapTotals::read(dir.path / "gaps.json");
  REQUIRE(totals.ok());
  CHECK(totals->fallbacks == kThreads * kEach);
  CHECK(totals->groups.at("acupuncture") == kThreads / 2 * kEach);
  CHECK(totals->groups.at("botox") == kThreads / 2 * kEach);
}

TEST_CASE("a content reload changes what counts as a gap", "[gaps]") {
  TempDir dir;
  auto report = open_report(dir.path / "gaps.json");
  REQUIRE(report->key_words("acupuncture") == Words{"acupuncture"});
  // The clinic adds a section on acupuncture: it is no longer a gap.
  fs::create_directories(dir.path / "kb");
  std::ofstream(dir.path / "kb" / "extra.md")
      << "# Extra\n\n## Acupuncture\n\nAsk your doctor before trying acupuncture.\n";
  auto kb = guidechat::knowledge::KnowledgeBase::load(dir.path / "kb");
  REQUIRE(kb.ok());
  report->set_knowledge(kb.value());
  CHECK(report->key_words("acupuncture").empty());
}
