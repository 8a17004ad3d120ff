// The content-gap report: which words of a fallback question are kept, what
// reaches the file, and that nothing identifying does: one conversation
// repeating a question, a flood from one address, planted names, e-mail
// handles and control characters.
#include "knowledge/gap_report.hpp"

#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "knowledge/index.hpp"
#include "knowledge/knowledge_base.hpp"

using guidechat::knowledge::GapReport;
using guidechat::knowledge::GapTotals;
using guidechat::knowledge::Index;
using guidechat::knowledge::KnowledgeBase;
namespace fs = std::filesystem;

namespace {

std::shared_ptr<const Index> index_of(const fs::path& dir) {
  auto kb = KnowledgeBase::load(dir);
  REQUIRE(kb.ok());
  auto index = Index::build(kb.value(), {});
  REQUIRE(index.ok());
  return index.value();
}

std::shared_ptr<const Index> bundled() {
  static auto index = index_of(fs::path(GUIDECHAT_SOURCE_DIR) / "knowledge");
  return index;
}

struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("gap_report_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::unique_ptr<GapReport> open_report(const fs::path& file, std::size_t min_count = 3,
                                       std::size_t max_groups = 5000) {
  GapReport::Options o;
  o.min_count = min_count;
  o.flush_interval = std::chrono::seconds(3600);
  o.max_groups = max_groups;
  auto r = GapReport::open(file, bundled(), o);
  REQUIRE(r.ok());
  return std::move(r.value());
}

// Conversation `n` from address `address`.
GapReport::Asker asker(const std::string& n, const std::string& address) {
  static std::vector<std::unique_ptr<std::string>> keep;  // the views must outlive record()
  keep.push_back(std::make_unique<std::string>(n));
  keep.push_back(std::make_unique<std::string>(address));
  return {*keep[keep.size() - 2], *keep.back()};
}

using Words = std::vector<std::string>;

}  // namespace

TEST_CASE("key words: English words the guides do not cover", "[gaps]") {
  TempDir dir;
  auto report = open_report(dir.path / "gaps.json");
  CHECK(report->key_words("Does acupuncture help facial spasms?") == Words{"acupuncture"});
  // Inflections and synonyms of guide words count as guide words (the index's stems).
  CHECK(report->key_words("can acupuncture stop the twitching of my eyelids") ==
        Words{"acupuncture"});
  // Only guide words and everyday words: the group of "the search missed it".
  CHECK(report->key_words("what are the symptoms of facial spasm").empty());
  CHECK(report->key_words("").empty());
  // Words English does not know (brand names, typos, handles) are dropped.
  CHECK(report->key_words("is BOTOX like acupunctre") == Words{});
}

TEST_CASE("key words never keep names, numbers, addresses or controls", "[gaps]") {
  TempDir dir;
  auto report = open_report(dir.path / "gaps.json");
  auto holds_only = [&](std::string_view question, const Words& allowed) {
    for (const auto& w : report->key_words(question)) {
      INFO(question << " -> " << w);
      CHECK(std::find(allowed.begin(), allowed.end(), w) != allowed.end());
    }
  };
  // Names: capitalised inside a sentence, lower-case, at a sentence start, in capitals.
  holds_only("my daughter Siobhan from Leeds asks about acupuncture",
             {"acupuncture", "daughter", "asks"});
  holds_only("bridget says acupuncture. Rupert agrees", {"acupuncture", "says", "agrees"});
  holds_only("DR PATEL SMYTHE-JONES gave me amitriptyline", {"gave", "amitriptyline"});
  // Numbers, dates, phone numbers, e-mail and web addresses, handles.
  holds_only("acupuncture 07700900123 born 12/03/1961 age 63", {"acupuncture", "born", "age"});
  holds_only("mail jo.bloggs@example.org or see https://example.org/acupuncture", {"mail", "see"});
  holds_only("write to jo.bloggs or jbloggs at gmail dot com about acupuncture",
             {"write", "acupuncture", "dot"});
  // Control, escape and bidi characters never reach a word.
  for (const auto& w : report->key_words("acupuncture\x1b[31m\x01yoga\xe2\x80\xaehypnotherapy")) {
    CHECK(std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; }));
  }
}

TEST_CASE("a question's group is its rarest few key words, sorted", "[gaps]") {
  TempDir dir;
  auto report = open_report(dir.path / "gaps.json");
  auto words = report->key_words(
      "acupuncture chiropractor hypnotherapy homeopathy reflexology dentist insurance");
  REQUIRE(words.size() == guidechat::limits::kGapMaxKeyWords);
  CHECK(std::is_sorted(words.begin(), words.end()));
  CHECK(std::find(words.begin(), words.end(), "insurance") == words.end());  // class 10
  CHECK(report->key_words("insurance dentist reflexology homeopathy hypnotherapy chiropractor "
                          "acupuncture") == words);
}

TEST_CASE("a group counts conversations, not messages", "[gaps]") {
  TempDir dir;
  auto file = dir.path / "gaps.json";
  auto report = open_report(file, 3);
  // One conversation asking the same thing again and again is one person.
  for (int i = 0; i < 5; ++i) report->record("Does acupuncture help?", asker("c1", "10.0.0.1"));
  report->record("Is acupuncture safe for my husband Rupert?", asker("c1", "10.0.0.1"));
  REQUIRE(report->flush().ok());
  auto once = GapTotals::read(file);
  REQUIRE(once.ok());
  CHECK(once->fallbacks == 6);
  CHECK(once->groups.empty());

  report->record("acupuncture??", asker("c2", "10.0.0.2"));
  report->record("what about acupuncture", asker("c3", "10.0.0.3"));
  REQUIRE(report->flush().ok());
  auto text = slurp(file);
  auto after = GapTotals::read(file);
  REQUIRE(after.ok());
  CHECK(after->groups == std::map<std::string, std::uint64_t>{{"acupuncture", 3}});
  for (const char* absent : {"Rupert", "rupert", "husband", "safe", "Does", "10.0.0", "c1"})
    CHECK(text.find(absent) == std::string::npos);
  // Only the owner may read it.
  struct stat st {};
  REQUIRE(::stat(file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("a flood from one address neither plants a group nor fills the table", "[gaps]") {
  TempDir dir;
  auto report = open_report(dir.path / "gaps.json", 1, 50);
  // Many conversations from one address: the address counts once per group.
  for (int i = 0; i < 200; ++i)
    report->record("hypnotherapy", asker("flood" + std::to_string(i), "192.0.2.66"));
  // ... and may start only a few groups per window.
  const std::vector<std::string> planted = {
      "xylophone",  "zebra",      "walrus",    "trombone",  "volcano",     "umbrella",
      "tangerine",  "saxophone",  "pelican",   "orchestra", "nostalgia",   "marmalade",
      "lighthouse", "kangaroo",   "jellyfish", "igloo",     "harpsichord", "gondola",
      "flamingo",   "eucalyptus", "dandelion", "cathedral", "buffalo",     "accordion"};
  for (std::size_t i = 0; i < planted.size(); ++i)
    report->record(planted[i] + " please", asker("p" + std::to_string(i), "192.0.2.66"));
  auto totals = report->totals();
  CHECK(totals.groups.size() == guidechat::limits::kGapMaxNewGroupsPerAddress);
  CHECK(totals.groups.at("hypnotherapy") == 1);
  // Real patients from other addresses are still counted.
  for (int i = 0; i < 3; ++i)
    report->record("acupuncture?",
                   asker("real" + std::to_string(i), "198.51.100." + std::to_string(i)));
  totals = report->totals();
  CHECK(totals.groups.at("acupuncture") == 3);
}

TEST_CASE("a full table forgets its least-counted group", "[gaps]") {
  TempDir dir;
  auto report = open_report(dir.path / "gaps.json", 1, 3);
  for (int i = 0; i < 3; ++i)
    report->record("acupuncture", asker("a" + std::to_string(i), "203.0.113." + std::to_string(i)));
  report->record("hypnotherapy", asker("h", "203.0.113.10"));
  report->record("chiropractor", asker("c", "203.0.113.11"));
  // Full: a new group takes the place of the least-counted, oldest one.
  report->record("reflexology", asker("r", "203.0.113.12"));
  auto groups = report->totals().groups;
  CHECK(groups == std::map<std::string, std::uint64_t>{
                      {"acupuncture", 3}, {"chiropractor", 1}, {"reflexology", 1}});
}

TEST_CASE("groups are letters only, read back safely and printed escaped", "[gaps]") {
  TempDir dir;
  auto file = dir.path / "gaps.json";
  std::ofstream(file) << R"({"format":"guidechat-gaps","version":1,"since":"2026-01-01",)"
                      << R"("fallbacks":9,"groups":{"acupuncture":4,"evil\u001b[2Jword":5,)"
                      << R"("rlo\u202eword":3,"Name":3,"two words":3}})";
  auto read = GapTotals::read(file);
  REQUIRE(read.ok());
  CHECK(read->groups == std::map<std::string, std::uint64_t>{{"acupuncture", 4}, {"two words", 3}});
  CHECK(guidechat::knowledge::printable_group("a\x1b[2Jb") == "a\\x1b[2Jb");
  CHECK(guidechat::knowledge::printable_group("r\xe2\x80\xae") == "r\\xe2\\x80\\xae");
  CHECK(guidechat::knowledge::printable_group("plain words") == "plain words");
}

TEST_CASE("a report continues its file and refuses a malformed one", "[gaps]") {
  TempDir dir;
  auto file = dir.path / "gaps.json";
  {
    auto report = open_report(file, 1);
    report->record("acupuncture", asker("1", "a"));
    report->record("acupuncture", asker("2", "b"));
  }  // the destructor flushes
  {
    auto report = open_report(file, 1);
    report->record("acupuncture", asker("3", "c"));
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
  a.groups = {{"acupuncture", 5}, {"hypnotherapy", 3}, {"", 2}};
  b.since = "2026-01-15";
  b.fallbacks = 7;
  b.groups = {{"hypnotherapy", 4}, {"yoga class", 1}};
  a.merge(b);
  CHECK(a.since == "2026-01-15");
  CHECK(a.fallbacks == 17);
  auto top = a.top(10, 2);
  REQUIRE(top.size() == 3);
  CHECK(top[0] == std::pair<std::string, std::uint64_t>{"hypnotherapy", 7});
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
  constexpr int kThreads = 4, kEach = 20;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        std::string id = std::to_string(t) + "/" + std::to_string(i);
        report.record(t % 2 ? "acupuncture" : "hypnotherapy please", {id, id});
      }
    });
  for (auto& t : threads) t.join();
  auto totals = GapTotals::read(dir.path / "gaps.json");
  REQUIRE(totals.ok());
  CHECK(totals->fallbacks == kThreads * kEach);
  CHECK(totals->groups.at("acupuncture") == kThreads / 2 * kEach);
  CHECK(totals->groups.at("hypnotherapy") == kThreads / 2 * kEach);
}

TEST_CASE("a content reload changes what counts as a gap", "[gaps]") {
  TempDir dir;
  auto report = open_report(dir.path / "gaps.json");
  REQUIRE(report->key_words("acupuncture") == Words{"acupuncture"});
  // The clinic adds a section on acupuncture: it is no longer a gap.
  fs::create_directories(dir.path / "kb");
  std::ofstream(dir.path / "kb" / "extra.md")
      << "# Extra\n\n## Acupuncture\n\nAsk your doctor before trying acupuncture.\n";
  report->set_index(index_of(dir.path / "kb"));
  CHECK(report->key_words("acupuncture").empty());
}
