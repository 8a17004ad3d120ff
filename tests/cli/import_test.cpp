// `guidechat import` end to end: the real binary on the first guide's raw
// text and on the bundled guide turned by pandoc into .docx, .odt and .html
// and by headless chromium into .pdf; each must give the guide's sections.
// And the exit codes of bad input.
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <catch2/catch.hpp>

#include "knowledge/guide.hpp"
#include "run_command.hpp"

namespace fs = std::filesystem;
using guidechat::knowledge::Guide;
using guidechat::testing::quote;
using guidechat::testing::Run;
using guidechat::testing::run_shell;

namespace {

std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A scratch directory for the test process, removed at exit.
const fs::path& scratch() {
  static const fs::path dir = [] {
    std::string tmpl = (fs::temp_directory_path() / "guidechat-import-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    std::atexit([] { fs::remove_all(scratch()); });
    return fs::path(tmpl);
  }();
  return dir;
}

// Runs a shell command line; stdout captured, stderr into a file read back.
Run shell(const std::string& cmd) {
  fs::path err = scratch() / "stderr.txt";
  Run r = run_shell(cmd + " 2>" + quote(err.string()));
  r.err = slurp(err);
  return r;
}

Run import(const std::string& args) {
  return shell(std::string(GUIDECHAT_BIN) + " import " + args);
}

fs::path source(const std::string& rel) {
  return fs::path(GUIDECHAT_SOURCE_DIR) / rel;
}

Guide parse(const std::string& markdown) {
  std::vector<guidechat::knowledge::Finding> findings;
  Guide g = guidechat::knowledge::parse_guide(markdown, "imported.md", &findings);
  for (const auto& f : findings) INFO(f.line << ": " << f.message);
  CHECK(findings.empty());
  return g;
}

// The same title, sections, section titles and passage texts as the
// bundled guide; `hand_chosen` is a title the clinic chose by hand, where
// the import has the guide's title instead.
void check_same_sections(const Run& r, const std::string& hand_chosen = "") {
  INFO("stderr:\n" << r.err);
  REQUIRE(r.code == 0);
  INFO("stdout:\n" << r.out);
  Guide got = parse(r.out);
  Guide want = parse(slurp(source("knowledge/facial-spasm.md")));
  CHECK(got.title == want.title);
  REQUIRE(got.sections.size() == want.sections.size());
  for (std::size_t i = 0; i < want.sections.size(); ++i) {
    const auto& w = want.sections[i];
    const auto& s = got.sections[i];
    CHECK(s.title == (w.title == hand_chosen ? want.title : w.title));
    REQUIRE(s.passages.size() == w.passages.size());
    for (std::size_t p = 0; p < w.passages.size(); ++p)
      CHECK(s.passages[p].text == w.passages[p].text);
  }
  std::size_t passages = 0;
  for (const auto& s : want.sections) passages += s.passages.size();
  std::string count =
      std::to_string(want.sections.size()) + " sections, " + std::to_string(passages) + " passages";
  CHECK(r.err.find(count) != std::string::npos);
}

// The bundled guide converted by pandoc to `ext` in the scratch directory.
fs::path pandoc_copy(const std::string& ext) {
  fs::path out = scratch() / ("facial-spasm." + ext);
  std::string extra = ext == "html" ? " -s --metadata pagetitle=guide" : "";
  Run r = shell("pandoc -f markdown-smart" + extra + " -o " + quote(out.string()) + " " +
                quote(source("knowledge/facial-spasm.md").string()));
  INFO(r.err);
  REQUIRE(r.code == 0);
  return out;
}

}  // namespace

TEST_CASE("import: the first guide's raw text gives the clinic's sections") {
  Run r = import(quote(source("tests/knowledge/data/facial-spasm-seed.txt").string()));
  check_same_sections(r, "Knowing the Signs");
  CHECK(r.err.find("line 20: heading 'Facial Spasm") != std::string::npos);
  CHECK(r.err.find("repeats the title") != std::string::npos);
  CHECK(r.err.find("into 'you'") != std::string::npos);
  CHECK(r.err.find("guide id 'facial-spasm-seed'") != std::string::npos);
}

TEST_CASE("import: .md, .docx, .odt and .html through pandoc give the same sections") {
  check_same_sections(import(quote(source("knowledge/facial-spasm.md").string())));
  for (std::string ext : {"docx", "odt", "html"}) {
    INFO(ext);
    check_same_sections(import(quote(pandoc_copy(ext).string())));
  }
}

TEST_CASE("import: a PDF printed by chromium gives the same sections") {
  if (shell("command -v chromium").code != 0) {
    WARN("chromium is not installed: the PDF import is not tested");
    return;
  }
  fs::path html = pandoc_copy("html");
  fs::path pdf = scratch() / "facial-spasm.pdf";
  Run print = shell(
      "chromium --headless --no-sandbox --disable-gpu --no-pdf-header-footer "
      "--print-to-pdf=" +
      quote(pdf.string()) + " " + quote(html.string()));
  INFO(print.err);
  REQUIRE(fs::exists(pdf));
  check_same_sections(import(quote(pdf.string())));
}

TEST_CASE("import: -o writes the file, --id names the guide") {
  fs::path out = scratch() / "out.md";
  Run r = import(quote(source("tests/knowledge/data/facial-spasm-seed.txt").string()) +
                 " --id spasm -o " + quote(out.string()));
  REQUIRE(r.code == 0);
  CHECK(r.out.empty());
  CHECK(slurp(out).starts_with("# Facial Spasm"));
  CHECK(r.err.find("guide id 'spasm'") != std::string::npos);
}

TEST_CASE("import: exit codes of bad input") {
  fs::path odd = scratch() / "guide.xyz";
  std::ofstream(odd) << "text";
  Run unknown = import(quote(odd.string()));
  CHECK(unknown.code == 2);
  CHECK(unknown.err.find("unknown extension") != std::string::npos);

  CHECK(import(quote((scratch() / "missing.txt").string())).code == 2);

  fs::path empty = scratch() / "empty.txt";
  std::ofstream(empty).flush();
  Run nothing = import(quote(empty.string()));
  CHECK(nothing.code == 4);
  CHECK(nothing.out.empty());

  fs::path broken = scratch() / "broken.docx";
  std::ofstream(broken) << "not a zip file";
  Run failed = import(quote(broken.string()));
  CHECK(failed.code == 3);
  CHECK(failed.err.find("pandoc") != std::string::npos);

  fs::path pdf = scratch() / "broken.pdf";
  std::ofstream(pdf) << "%PDF-1.4 nothing";
  Run bad_pdf = import(quote(pdf.string()));
  CHECK(bad_pdf.code == 3);
  CHECK(bad_pdf.err.find("poppler-utils") != std::string::npos);

  Run no_tool = shell("PATH=/nonexistent " + std::string(GUIDECHAT_BIN) + " import " +
                      quote(pandoc_copy("docx").string()));
  CHECK(no_tool.code == 3);
  CHECK(no_tool.err.find("apt-get install -y pandoc") != std::string::npos);
}
