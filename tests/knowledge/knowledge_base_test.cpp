#include "knowledge/knowledge_base.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>

using namespace guidechat::knowledge;
namespace fs = std::filesystem;

namespace {

// A fresh directory under the system temp dir, removed at scope end.
struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("guidechat-kb-test-" + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name, std::ios::binary) << text;
  }
};

bool has_finding(const std::vector<Finding>& fs, const std::string& file_end, int line,
                 const std::string& part) {
  for (const auto& f : fs) {
    if (f.file.size() >= file_end.size() &&
        f.file.compare(f.file.size() - file_end.size(), file_end.size(), file_end) == 0 &&
        f.line == line && f.message.find(part) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("the bundled knowledge loads and is clean") {
  fs::path dir = fs::path(GUIDECHAT_SOURCE_DIR) / "knowledge";
  CHECK(KnowledgeBase::check(dir).empty());
  auto kb = KnowledgeBase::load(dir);
  REQUIRE(kb.ok());
  REQUIRE((*kb)->guides().size() == 1);
  CHECK((*kb)->sections().size() == 9);
  for (const char* id :
       {"when-to-seek-medical-attention", "effective-treatment-options-and-home-remedies",
        "knowing-the-signs", "identifying-your-symptoms", "potential-causes-and-triggers",
        "common-symptoms-of-facial-spasms", "what-is-facial-spasm",
        "understanding-facial-spasm-causes-and-symptoms", "about-this-guide"}) {
    const Section* s = (*kb)->find(id);
    REQUIRE(s != nullptr);
    CHECK(s->id == id);
  }
  CHECK((*kb)->find("no-such-section") == nullptr);
  CHECK_FALSE((*kb)->synonyms().empty());
  CHECK((*kb)->lexicon().everyday("should"));
  CHECK((*kb)->lexicon().word_class("doctor") > 0);
}

TEST_CASE("check reports broken knowledge files with file and line") {
  TempDir dir;
  dir.write("a.md", "# A\n\n## Shared Heading\n\nText.\n\n## Empty One\n\n## Fine\nok\n");
  dir.write("b.md", "Intro without a title.\n\n## Shared Heading\n\nOther text.\n");
  dir.write("synonyms.txt", "# rules\nphysio = physical therapy\nbroken rule here\n");
  dir.write("notes.txt", "not a guide, ignored\n");
  fs::create_symlink(dir.path / "missing-target", dir.path / "c.md");

  auto findings = KnowledgeBase::check(dir.path);
  CHECK(has_finding(findings, "a.md", 7, "has no text"));
  CHECK(has_finding(findings, "b.md", 1, "text before the first section"));
  CHECK(has_finding(findings, "b.md", 1, "no title"));
  CHECK(has_finding(findings, "c.md", 0, "cannot read"));
  CHECK(has_finding(findings, "synonyms.txt", 3, "needs '='"));
  CHECK(findings.size() == 5);

  auto kb = KnowledgeBase::load(dir.path);
  REQUIRE_FALSE(kb.ok());
  CHECK(kb.error().find("a.md:7:") != std::string::npos);
  CHECK(kb.error().find("4 more") != std::string::npos);
}

TEST_CASE("each guide is its own namespace of section ids") {
  TempDir dir;
  dir.write("alpha.md", "# Alpha\n\n## About This Guide\n\nAlpha text.\n\n## Only Alpha\n\nA.\n");
  dir.write("beta.md", "# Beta\n\n## About This Guide\n\nBeta text.\n");
  auto kb = KnowledgeBase::load(dir.path);
  REQUIRE(kb.ok());
  const Section* a = (*kb)->find("alpha/about-this-guide");
  const Section* b = (*kb)->find("beta/about-this-guide");
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  CHECK(a->guide == "alpha");
  CHECK(b->text() == "Beta text.");
  // A bare id names a section only while one guide has it.
  CHECK((*kb)->find("about-this-guide") == nullptr);
  CHECK((*kb)->ambiguous("about-this-guide"));
  CHECK((*kb)->find("only-alpha") == (*kb)->find("alpha/only-alpha"));
  CHECK_FALSE((*kb)->ambiguous("only-alpha"));
  REQUIRE((*kb)->guide("beta") != nullptr);
  CHECK((*kb)->guide("beta")->title == "Beta");
  CHECK((*kb)->guide("gamma") == nullptr);
}

TEST_CASE("check reports a missing directory and a directory without guides") {
  TempDir dir;
  auto missing = KnowledgeBase::check(dir.path / "nope");
  REQUIRE(missing.size() == 1);
  CHECK(missing[0].message.find("not a readable directory") != std::string::npos);
  auto empty = KnowledgeBase::check(dir.path);
  REQUIRE(empty.size() == 1);
  CHECK(empty[0].message.find("no guides") != std::string::npos);
  CHECK_FALSE(KnowledgeBase::load(dir.path).ok());
}

TEST_CASE("a second guide is picked up by dropping in a file") {
  TempDir dir;
  dir.write("b-second.md", "# Second\n\n## Sleep Tips\n\nGo to bed early.\n");
  dir.write("a-first.md", "# First\n\n## Intro\n\nHello there.\n");
  auto kb = KnowledgeBase::load(dir.path);
  REQUIRE(kb.ok());
  REQUIRE((*kb)->guides().size() == 2);
  CHECK((*kb)->guides()[0].id == "a-first");  // sorted by file name
  CHECK((*kb)->sections().size() == 2);
  REQUIRE((*kb)->find("sleep-tips") != nullptr);
  CHECK((*kb)->find("sleep-tips")->guide == "b-second");
  // Optional files may be absent; the product's language is not the
  // clinic's to bring (it comes from lang/).
  CHECK((*kb)->synonyms().empty());
  CHECK((*kb)->lexicon().everyday("the"));
}

TEST_CASE("a guide that is not UTF-8 is reported with its line") {
  TempDir dir;
  dir.write("latin1.md", "# Guide\n\n## Caf\xE9 Talk\n\nText.\n");
  auto findings = KnowledgeBase::check(dir.path);
  REQUIRE(findings.size() == 1);
  CHECK(findings[0].line == 3);
  CHECK(findings[0].message.find("UTF-8") != std::string::npos);
  CHECK_FALSE(KnowledgeBase::load(dir.path).ok());
}
