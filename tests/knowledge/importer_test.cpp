// knowledge::import_*: the heuristics that turn a document's text into a
// guide, and the first guide's raw text against the guide the clinic made
// from it by hand.
#include "knowledge/importer.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "knowledge/guide.hpp"
#include "language/lexicon.hpp"

using namespace guidechat;
using knowledge::ImportedGuide;
using knowledge::ImportOptions;

namespace {

std::string source(const std::string& rel) {
  std::ifstream in(std::string(GUIDECHAT_SOURCE_DIR) + "/" + rel, std::ios::binary);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const language::Lexicon& lexicon() {
  static const language::Lexicon lex = [] {
    auto l = language::Lexicon::load(std::string(GUIDECHAT_SOURCE_DIR) + "/lang");
    REQUIRE(l.ok());
    return std::move(*l);
  }();
  return lex;
}

ImportOptions english() {
  ImportOptions o;
  o.is_word = [](std::string_view w) { return lexicon().word_class(w) > 0; };
  o.fallback_title = "Fallback";
  return o;
}

// A few words, for tests that need no lexicon.
ImportOptions small_words() {
  static const std::set<std::string, std::less<>> kWords = {"you", "y",  "treatment", "treat",
                                                            "in",  "to", "into"};
  ImportOptions o;
  o.is_word = [](std::string_view w) { return kWords.count(w) > 0; };
  o.fallback_title = "Fallback";
  return o;
}

// Parses the output; it must read without findings.
knowledge::Guide parsed(const ImportedGuide& g) {
  std::vector<knowledge::Finding> findings;
  auto guide = knowledge::parse_guide(g.markdown, "x.md", &findings);
  for (const auto& f : findings) INFO(f.line << ": " << f.message);
  CHECK(findings.empty());
  return guide;
}

ImportedGuide text_guide(const std::string& text, const ImportOptions& o = small_words()) {
  auto g = knowledge::import_text(text, o);
  REQUIRE(g.ok());
  INFO(g->markdown);
  parsed(*g);
  return std::move(*g);
}

bool noted(const ImportedGuide& g, const std::string& part) {
  for (const auto& n : g.notes) {
    if ((n.where + ": " + n.message).find(part) != std::string::npos) return true;
  }
  return false;
}

// Letters and digits only, lower case: what must survive an import.
std::string letters(std::string_view s) {
  std::string out;
  for (char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out.push_back(c);
    if (c >= 'A' && c <= 'Z') out.push_back(static_cast<char>(c - 'A' + 'a'));
    if (static_cast<unsigned char>(c) >= 0x80) out.push_back(c);
  }
  return out;
}

// Every sentence of `input` (cut at sentence ends and line breaks) appears
// in the output, compared by its letters.
void check_no_sentence_lost(const std::string& input, const ImportedGuide& g) {
  std::string out = letters(g.markdown);
  std::string piece;
  auto check = [&] {
    std::string l = letters(piece);
    piece.clear();
    if (l.empty()) return;
    INFO("sentence: " << l);
    CHECK(out.find(l) != std::string::npos);
  };
  for (char c : input) {
    piece.push_back(c);
    if (c == '.' || c == '?' || c == '!' || c == '\n') check();
  }
  check();
}

}  // namespace

TEST_CASE("import: the first line is the title, short lines are headings, '- ' lines items") {
  std::string text =
      "My Guide\n"
      "Some intro text. It says hello.\n"
      "What is it?\n"
      "It is a thing.\n"
      "Signs include:\n"
      "- One sign\n"
      "- Another sign\n"
      "After the list.\n";
  auto g = text_guide(text);
  CHECK(g.title == "My Guide");
  CHECK(g.markdown ==
        "# My Guide\n\n## About This Guide\n\nSome intro text. It says hello.\n\n"
        "## What is it?\n\nIt is a thing.\n\nSigns include:\n\n- One sign\n- Another sign\n\n"
        "After the list.\n");
  CHECK(g.sections == 2);
  CHECK(g.passages == 4);  // the lead-in and its list are one passage
  CHECK(noted(g, "line 3: heading 'What is it?'"));
  CHECK(noted(g, "goes under 'About This Guide'"));
  check_no_sentence_lost(text, g);
}

TEST_CASE("import: the intro heading is one named default") {
  CHECK(knowledge::kIntroHeading == "About This Guide");
}

TEST_CASE("import: a word broken across a blank line is re-joined") {
  std::string text = "T\nHead\nAny other feelings y\n\nou have during these spasms.\n";
  auto g = text_guide(text);
  CHECK(g.markdown.find("Any other feelings you have during these spasms.") != std::string::npos);
  CHECK(noted(g, "re-joined 'y' + 'ou'"));
  // Both halves words on their own: a plain line break, joined with a space.
  auto h = text_guide("Title\nA Heading\nYou could go in\nto the room.\n");
  CHECK(h.markdown.find("\n## A Heading\n\nYou could go in to the room.\n") != std::string::npos);
  CHECK_FALSE(noted(h, "re-joined"));
}

TEST_CASE("import: a hyphen at a line's end is dropped only inside a word") {
  auto g = text_guide("T\nHead\nThe treat-\nment helps.\nIt is self-\ncare.\n");
  CHECK(g.markdown.find("The treatment helps.") != std::string::npos);
  CHECK(g.markdown.find("It is self-care.") != std::string::npos);
}

TEST_CASE("import: wrapped lines with blank lines between paragraphs (pdftotext)") {
  std::string text =
      "Patient Guide\n\n"
      "Living With It\n\n"
      "This paragraph was wrapped by the\n"
      "converter at the page's width, and\n"
      "goes on here. It ends here.\n\n"
      "Another paragraph starts here and\n"
      "Ends on the next line.\n\n"
      "Care at Home\n"
      "Rest well. Drink water.\n\n"
      "3\n\f"
      "Page 4 of 5\n\n"
      "Keep a diary of the spasms.\n";
  CHECK(knowledge::detect_text_style(text) == knowledge::TextStyle::kBlankSeparated);
  auto g = text_guide(text);
  auto guide = parsed(g);
  REQUIRE(guide.sections.size() == 2);
  CHECK(guide.sections[0].title == "Living With It");
  REQUIRE(guide.sections[0].passages.size() == 2);
  CHECK(guide.sections[0].passages[0].text ==
        "This paragraph was wrapped by the converter at the page's width, and goes on here. It "
        "ends here.");
  CHECK(guide.sections[0].passages[1].text ==
        "Another paragraph starts here and Ends on the next line.");
  CHECK(guide.sections[1].title == "Care at Home");
  REQUIRE(guide.sections[1].passages.size() == 2);
  CHECK(guide.sections[1].passages[1].text == "Keep a diary of the spasms.");
  CHECK(noted(g, "line 15: dropped '3' (a lone page number)"));
  CHECK(noted(g, "line 16: dropped 'Page 4 of 5' (a lone page number)"));
  CHECK(g.markdown.find("Page 4") == std::string::npos);
  check_no_sentence_lost(
      "Living With It\nThis paragraph was wrapped by the converter at the "
      "page's width, and goes on here.\nCare at Home\nRest well.",
      g);
}

TEST_CASE("import: one paragraph per line is told from wrapped text") {
  CHECK(knowledge::detect_text_style(source("tests/knowledge/data/facial-spasm-seed.txt")) ==
        knowledge::TextStyle::kLinePerParagraph);
  CHECK(knowledge::detect_text_style("A\nOne.\nTwo.\nThree.\n") ==
        knowledge::TextStyle::kLinePerParagraph);
}

TEST_CASE("import: a paragraph cut by a page break goes on") {
  auto g = text_guide("T\n\nHead\n\nThe muscles of the\n\n\f7\n\nface contract.\n");
  CHECK(g.markdown.find("The muscles of the face contract.") != std::string::npos);
  CHECK(noted(g, "dropped '7'"));
}

TEST_CASE("import: a heading repeating the title stays, and the report says to rename it") {
  auto g = text_guide("My Guide\nIntro text.\nMy Guide\nMore text.\n");
  auto guide = parsed(g);
  REQUIRE(guide.sections.size() == 2);
  CHECK(guide.sections[1].title == "My Guide");
  CHECK(noted(g, "line 3: heading 'My Guide' repeats the title"));
}

TEST_CASE("import: a heading-like line with no text under it stays a paragraph") {
  auto g = text_guide("T\nHeading One\nText.\nClinic Name\n");
  auto guide = parsed(g);
  REQUIRE(guide.sections.size() == 1);
  CHECK(guide.sections[0].passages.back().text == "Clinic Name");
  CHECK(noted(g, "'Clinic Name' looks like a heading but has no text under it"));
}

TEST_CASE("import: repeated headings get ids of their own") {
  auto g = text_guide("T\nCauses\nOne.\nCauses\nTwo.\n");
  auto guide = parsed(g);
  REQUIRE(guide.sections.size() == 2);
  CHECK(guide.sections[0].id != guide.sections[1].id);
}

TEST_CASE("import: no text is an error; odd bytes are no crash") {
  CHECK_FALSE(knowledge::import_text("", small_words()).ok());
  CHECK_FALSE(knowledge::import_text("\n\n  \f\n3\n", small_words()).ok());
  auto latin1 = knowledge::import_text("Caf\xe9 Guide\nHead\nText \xe9t\xe9.\n", small_words());
  REQUIRE(latin1.ok());
  CHECK(latin1->title == "Caf\u00e9 Guide");
  CHECK(noted(*latin1, "not UTF-8"));
  std::string junk;
  for (int i = 0; i < 5000; ++i) junk.push_back(static_cast<char>((i * 7919) % 256));
  (void)knowledge::import_text(junk, small_words());
  (void)knowledge::import_pandoc_json(junk, small_words());
  (void)knowledge::import_pdf_layout(junk, small_words());
  CHECK_FALSE(knowledge::import_pandoc_json("[1,2]", small_words()).ok());
}

TEST_CASE("import: pandoc's AST without emphasis, links or images") {
  std::string json = R"({"pandoc-api-version":[1,22,2,1],"meta":{},"blocks":[
    {"t":"Header","c":[1,["a",[],[]],[{"t":"Str","c":"The"},{"t":"Space"},{"t":"Str","c":"Guide"}]]},
    {"t":"Para","c":[{"t":"Str","c":"Intro"},{"t":"Space"},{"t":"Emph","c":[{"t":"Str","c":"here."}]}]},
    {"t":"Header","c":[2,["b",[],[]],[{"t":"Strong","c":[{"t":"Str","c":"Causes"}]}]]},
    {"t":"Para","c":[{"t":"Str","c":"See"},{"t":"Space"},
      {"t":"Link","c":[["",[],[]],[{"t":"Str","c":"the"},{"t":"Space"},{"t":"Str","c":"site"}],["http://x",""]]},
      {"t":"Str","c":"."},{"t":"Image","c":[["",[],[]],[{"t":"Str","c":"pic"}],["p.png",""]]}]},
    {"t":"Header","c":[3,["c",[],[]],[{"t":"Str","c":"Detail"}]]},
    {"t":"BulletList","c":[[{"t":"Plain","c":[{"t":"Str","c":"One"}]}],
                           [{"t":"Plain","c":[{"t":"Str","c":"Two"}]}]]},
    {"t":"OrderedList","c":[[3,{"t":"Decimal"},{"t":"Period"}],
                            [[{"t":"Plain","c":[{"t":"Str","c":"Step"}]}]]]}]})";
  auto g = knowledge::import_pandoc_json(json, small_words());
  REQUIRE(g.ok());
  parsed(*g);
  CHECK(g->markdown ==
        "# The Guide\n\n## About This Guide\n\nIntro here.\n\n## Causes\n\nSee the site.\n\n"
        "Detail\n\n- One\n- Two\n3. Step\n");
  CHECK(noted(*g, "dropped an image"));
  CHECK(noted(*g, "sub-heading 'Detail' kept as a paragraph"));
}

TEST_CASE("import: a PDF's layout: taller lines are headings, indented blocks lists") {
  auto word = [](const std::string& w) { return "<word xMin=\"0\">" + w + "</word>"; };
  auto line = [&](double x, double h, const std::string& words) {
    std::string out =
        "<line xMin=\"" + std::to_string(x) + "\" yMin=\"0\" yMax=\"" + std::to_string(h) + "\">";
    std::istringstream in(words);
    for (std::string w; in >> w;) out += word(w);
    return out + "</line>";
  };
  auto block = [](double x, const std::string& lines) {
    return "<block xMin=\"" + std::to_string(x) + "\">" + lines + "</block>";
  };
  std::string xhtml =
      "<doc><page width=\"612\">" + block(90, line(90, 28, "My Guide")) +
      block(90, line(90, 14, "Intro text that was") + line(90, 14, "wrapped. Done.")) +
      block(90, line(90, 21, "Signs &amp; Causes")) + block(90, line(90, 14, "Signs include:")) +
      block(110, line(110, 14, "First sign") + line(110, 14, "Second sign")) +
      block(90, line(90, 14, "The text goes on and")) + block(300, line(300, 14, "2")) +
      "</page><page>" + block(90, line(90, 14, "on over the page.")) + "</page></doc>";
  auto g = knowledge::import_pdf_layout(xhtml, small_words());
  REQUIRE(g.ok());
  parsed(*g);
  CHECK(g->markdown ==
        "# My Guide\n\n## About This Guide\n\nIntro text that was wrapped. Done.\n\n"
        "## Signs & Causes\n\nSigns include:\n\n- First sign\n- Second sign\n\n"
        "The text goes on and on over the page.\n");
  CHECK(noted(*g, "page 1: dropped '2' (a lone page number)"));
}

TEST_CASE("import: the first guide's raw text gives the clinic's sections") {
  std::string seed = source("tests/knowledge/data/facial-spasm-seed.txt");
  auto g = knowledge::import_text(seed, english());
  REQUIRE(g.ok());
  INFO(g->markdown);
  auto got = parsed(*g);
  std::vector<knowledge::Finding> findings;
  auto want =
      knowledge::parse_guide(source("knowledge/facial-spasm.md"), "facial-spasm.md", &findings);
  REQUIRE(findings.empty());
  CHECK(got.title == want.title);
  REQUIRE(got.sections.size() == want.sections.size());
  for (std::size_t i = 0; i < want.sections.size(); ++i) {
    const auto& w = want.sections[i];
    const auto& s = got.sections[i];
    INFO("section " << i << ": " << w.title);
    if (w.title == "Knowing the Signs") {
      // Where the clinic chose a heading by hand, the raw text repeats the title.
      CHECK(s.title == want.title);
    } else {
      CHECK(s.title == w.title);
    }
    REQUIRE(s.passages.size() == w.passages.size());
    for (std::size_t p = 0; p < w.passages.size(); ++p)
      CHECK(s.passages[p].text == w.passages[p].text);
  }
  CHECK(noted(*g,
              "line 20: heading 'Facial Spasm \u2013 Patient Guide to Symptoms & Relief' "
              "repeats the title"));
  CHECK(noted(*g, "re-joined 'y' + 'ou' across a line break into 'you'"));
  CHECK(g->sections == 9);
  check_no_sentence_lost(seed, *g);
}
