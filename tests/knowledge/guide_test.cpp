#include "knowledge/guide.hpp"

#include <catch2/catch.hpp>

#include "common/limits.hpp"

using namespace guidechat::knowledge;

namespace {

bool has_finding(const std::vector<Finding>& fs, int line, const std::string& part) {
  for (const auto& f : fs) {
    if (f.line == line && f.message.find(part) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("slugify makes stable ids from headings") {
  CHECK(slugify("When to Seek Medical Attention") == "when-to-seek-medical-attention");
  CHECK(slugify("Understanding Facial Spasm: Causes and Symptoms") ==
        "understanding-facial-spasm-causes-and-symptoms");
  CHECK(slugify("What is Facial Spasm?") == "what-is-facial-spasm");
  CHECK(slugify("  Bell's Palsy -- & More!  ") == "bells-palsy-more");
  CHECK(slugify("Caf\xC3\xA9 2") == "caf-2");
  CHECK(slugify("???").empty());
}

TEST_CASE("parse_guide reads title, sections, paragraphs and lists") {
  const char* md =
      "# My Guide\n"
      "\n"
      "## First Part\n"
      "\n"
      "One line\n"
      "wrapped here.\n"
      "\n"
      "Common signs include:\n"
      "\n"
      "- Rapid blinking\n"
      "- Twitching of the lips\n"
      "\n"
      "Closing words.\n"
      "\n"
      "## Second {#custom-id}\r\n"
      "Text right under the heading.\r\n"
      "* a\r\n"
      "* b\r\n";
  std::vector<Finding> findings;
  Guide g = parse_guide(md, "dir/my-guide.md", &findings);
  CHECK(findings.empty());
  CHECK(g.id == "my-guide");
  CHECK(g.title == "My Guide");
  REQUIRE(g.sections.size() == 2);

  const Section& s1 = g.sections[0];
  CHECK(s1.id == "first-part");
  CHECK(s1.title == "First Part");
  CHECK(s1.guide == "my-guide");
  CHECK(s1.line == 3);
  REQUIRE(s1.passages.size() == 3);
  CHECK(s1.passages[0].text == "One line wrapped here.");
  CHECK(s1.passages[0].line == 5);
  // The lead-in sentence and its list are one passage.
  CHECK(s1.passages[1].text == "Common signs include:\n- Rapid blinking\n- Twitching of the lips");
  CHECK(s1.passages[1].line == 8);
  CHECK(s1.passages[2].text == "Closing words.");
  CHECK(s1.text() ==
        "One line wrapped here.\n\nCommon signs include:\n- Rapid blinking\n- "
        "Twitching of the lips\n\nClosing words.");

  const Section& s2 = g.sections[1];
  CHECK(s2.id == "custom-id");
  CHECK(s2.title == "Second");
  REQUIRE(s2.passages.size() == 2);
  CHECK(s2.passages[0].text == "Text right under the heading.");
  CHECK(s2.passages[1].text == "* a\n* b");
}

TEST_CASE("long paragraphs are split into passages of at most kMaxPassageChars") {
  std::string para;
  for (int i = 0; i < 40; ++i) para += "This is sentence number " + std::to_string(i) + ". ";
  std::string word(1500, 'x');  // one huge word: cut anywhere
  std::string md = "# T\n\n## S\n\n" + para + "\n\n" + word + "\n";
  Guide g = parse_guide(md, "t.md", nullptr);
  REQUIRE(g.sections.size() == 1);
  const auto& ps = g.sections[0].passages;
  REQUIRE(ps.size() >= 5);
  std::size_t total_words = 0;
  for (const auto& p : ps) {
    CHECK(p.text.size() <= guidechat::limits::kMaxPassageChars);
    CHECK(!p.text.empty());
    total_words += p.text.size();
  }
  // Sentence-split pieces end at a sentence.
  CHECK(ps[0].text.back() == '.');
  CHECK(total_words >= para.size() - 60 + word.size());
}

TEST_CASE("parse_guide reports structural problems with their lines") {
  const char* md =
      "Stray text before anything.\n"  // 1
      "## Alpha\n"                     // 2
      "\n"                             // 3
      "## Alpha\n"                     // 4
      "Some text.\n"                   // 5
      "## ???\n"                       // 6
      "More text.\n"                   // 7
      "## Beta\n";                     // 8
  std::vector<Finding> findings;
  Guide g = parse_guide(md, "broken.md", &findings);
  CHECK(has_finding(findings, 1, "text before the first section"));
  CHECK(has_finding(findings, 1, "no title"));
  CHECK(has_finding(findings, 2, "has no text"));
  CHECK(has_finding(findings, 4, "duplicate section id 'alpha'"));
  CHECK(has_finding(findings, 6, "empty id"));
  CHECK(has_finding(findings, 8, "has no text"));
  for (const auto& f : findings) CHECK(f.file == "broken.md");
  // What could be read is still returned.
  CHECK(g.sections.size() == 4);
}

TEST_CASE("an empty file is a guide without title or sections") {
  std::vector<Finding> findings;
  Guide g = parse_guide("", "empty.md", &findings);
  CHECK(g.sections.empty());
  CHECK(has_finding(findings, 1, "no title"));
  CHECK(has_finding(findings, 1, "no sections"));
}

TEST_CASE("the bundled guide parses cleanly") {
  std::vector<Finding> findings;
  std::string path = std::string(GUIDECHAT_SOURCE_DIR) + "/knowledge/facial-spasm.md";
  FILE* f = std::fopen(path.c_str(), "rb");
  REQUIRE(f != nullptr);
  std::string text;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  std::fclose(f);
  Guide g = parse_guide(text, path, &findings);
  CHECK(findings.empty());
  CHECK(g.sections.size() == 9);
  for (const auto& s : g.sections) {
    CHECK(!s.passages.empty());
    for (const auto& p : s.passages) CHECK(p.text.size() <= guidechat::limits::kMaxPassageChars);
  }
}
