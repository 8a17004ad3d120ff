#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "dialog/flow.hpp"
#include "dialog/graph.hpp"
#include "test_env.hpp"

using namespace guidechat::dialog;
namespace fs = std::filesystem;
using testing::env;
using testing::source_dir;

namespace {

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A copy of the shipped dialogs/ with one file's text edited, checked.
using Edits = std::vector<std::pair<std::string, std::string>>;

std::vector<FlowFinding> check_with(const std::string& file, const Edits& edits) {
  fs::path dir = fs::temp_directory_path() / ("guidechat-flow-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(source_dir() + "/dialogs")) {
    fs::copy_file(e.path(), dir / e.path().filename());
  }
  if (!file.empty()) {
    std::string text = read(dir / file);
    for (const auto& [from, to] : edits) {
      auto at = text.find(from);
      REQUIRE(at != std::string::npos);
      text.replace(at, from.size(), to);
    }
    std::ofstream(dir / file, std::ios::trunc) << text;
  }
  auto findings = FlowSet::check(dir, *env().kb);
  fs::remove_all(dir);
  // Warnings (the clinic's numbers not set yet) are checked on their own.
  std::erase_if(findings, [](const FlowFinding& f) { return f.warning; });
  return findings;
}

std::vector<FlowFinding> check_with(const std::string& file, const std::string& from,
                                    const std::string& to) {
  return check_with(file, Edits{{from, to}});
}

bool has(const std::vector<FlowFinding>& fs, const std::string& where, const std::string& what) {
  for (const auto& f : fs) {
    if (f.where.find(where) != std::string::npos && f.message.find(what) != std::string::npos) {
      return true;
    }
  }
  std::string all;
  for (const auto& f : fs) all += f.file + ": " + f.where + ": " + f.message + "\n";
  UNSCOPED_INFO("findings:\n" << all);
  return false;
}

}  // namespace

TEST_CASE("check warns while the clinic's emergency numbers are not set") {
  auto findings = FlowSet::check(source_dir() + "/dialogs", *env().kb);
  std::size_t warnings = 0;
  for (const auto& f : findings) {
    CHECK(f.warning);
    CHECK(f.message.find("not set") != std::string::npos);
    ++warnings;
  }
  CHECK(warnings == 3);  // emergency number, crisis line, poison line
  // Set, they are used as they are, and check is silent.
  std::string filled =
      R"({"emergency_number": "911", "crisis_line": "988", "poison_line": "1-800-222-1222"})";
  CHECK(check_with("clinic.json", read(fs::path(source_dir()) / "dialogs/clinic.json"), filled)
            .empty());
}

TEST_CASE("the safety files are checked") {
  CHECK(has(check_with("emergencies.json", "\"all\": [\"face-area\", \"droop\"]",
                       "\"all\": [\"face-area\", \"drooop\"]"),
            "emergency 'stroke'", "unknown concept 'drooop'"));
  CHECK(has(check_with("red-flags.json", "\"scope\": \"clause\"", "\"scope\": \"page\""),
            "flags/long", "\"scope\" must be"));
}

TEST_CASE("the shipped flows are clean") {
  auto findings = check_with("", "", "");
  for (const auto& f : findings) UNSCOPED_INFO(f.file << ": " << f.where << ": " << f.message);
  CHECK(findings.empty());
  const FlowSet& flows = *env().flows;
  REQUIRE(flows.flows().size() == 4);
  for (const char* id : {"symptom-check", "see-doctor", "triggers-relief", "prepare-visit"}) {
    CHECK(flows.find(id) != nullptr);
  }
}

TEST_CASE("outcome texts are the guide's own words, with their section") {
  for (const Flow& f : env().flows->flows()) {
    for (const Node& n : f.nodes) {
      for (const auto* list : {&n.content, &n.tips}) {
        for (const GuideText& t : *list) {
          const auto* section = env().kb->find(t.section);
          REQUIRE(section != nullptr);
          // Every sentence shown occurs in the section (whitespace aside).
          std::string body = std::regex_replace(section->text(), std::regex("\\s+"), " ");
          CHECK(body.find(t.text) != std::string::npos);
          CHECK(t.title == section->title);
        }
      }
    }
  }
}

TEST_CASE("check catches each kind of broken flow") {
  const std::string sc = "10-symptom-check.json";
  SECTION("JSON syntax error, with its line") {
    auto f = check_with(sc, "\"start\": \"where\",", "\"start\": \"where\"");
    REQUIRE(!f.empty());
    CHECK(f[0].message.find("JSON") != std::string::npos);
    CHECK(f[0].line == 11);
  }
  SECTION("schema: missing field, wrong type, unknown field, unknown type") {
    CHECK(has(check_with(sc, "\"slot\": \"duration\",", ""), "symptom-check/duration",
              "missing \"slot\""));
    CHECK(has(check_with(sc, "\"multiple\": true,\n     \"text\": \"Where",
                         "\"multiple\": \"yes\",\n     \"text\": \"Where"),
              "symptom-check/where", "must be true or false"));
    CHECK(has(check_with(sc, "\"slot\": \"duration\",", "\"slot\": \"duration\", \"colour\": 1,"),
              "symptom-check/duration", "unknown field \"colour\""));
    CHECK(has(check_with("30-triggers-relief.json", "\"type\": \"info\"", "\"type\": \"infobox\""),
              "triggers-relief/find-triggers", "unknown node type 'infobox'"));
    CHECK(has(check_with("20-see-doctor.json", "\"type\": \"outcome\", \"level\": \"urgent\"",
                         "\"type\": \"outcome\", \"level\": \"panic\""),
              "see-doctor/urgent", "\"level\" must be"));
  }
  SECTION("unknown section id") {
    CHECK(has(check_with("20-see-doctor.json", "\"section\": \"identifying-your-symptoms\"",
                         "\"section\": \"no-such-section\""),
              "see-doctor/doctor", "unknown section id 'no-such-section'"));
  }
  SECTION("a quote that is not verbatim in the guide") {
    CHECK(has(check_with(sc, "For home remedies, try warm compresses for relief.",
                         "For home remedies, try hot baths for relief."),
              "symptom-check/self-care", "not verbatim"));
  }
  SECTION("unreachable node") {
    CHECK(has(check_with("20-see-doctor.json", "\"next\": \"doctor\"", "\"next\": \"urgent\""),
              "see-doctor/doctor", "unreachable"));
  }
  SECTION("dead ends: a next step that does not exist, an info node without next") {
    CHECK(has(check_with(sc, "\"next\": \"frequency\"", "\"next\": \"frequence\""),
              "symptom-check/duration", "dead end"));
    CHECK(has(check_with("40-prepare-visit.json", "\"next\": \"summary\"", "\"x\": 1"),
              "prepare-visit/note", "dead end"));
    CHECK(has(check_with(sc, "{\"goto\": \"triggers\"}",
                         "{\"if\": {\"slot\": \"speech\", "
                         "\"in\": [\"no\"]}, \"goto\": "
                         "\"triggers\"}"),
              "symptom-check/speech", "the last one needs none"));
  }
  SECTION("loop with no way out") {
    // triggers -> find-triggers -> triggers ... and nothing leads on.
    auto f = check_with("30-triggers-relief.json",
                        Edits{{"\"next\": \"tried\"", "\"next\": \"triggers\""},
                              {"{\"goto\": \"tried\"}", "{\"goto\": \"find-triggers\"}"}});
    CHECK(has(f, "triggers-relief/find-triggers", "loop with no way out"));
    CHECK(has(f, "triggers-relief/triggers", "loop with no way out"));
    CHECK(has(f, "triggers-relief/tried", "unreachable"));
    // A loop with a way out is fine.
    CHECK(check_with("30-triggers-relief.json", "\"next\": \"tried\"", "\"next\": \"triggers\"")
              .empty());
  }
  SECTION("option with no next step") {
    CHECK(has(check_with("20-see-doctor.json",
                         "{\"id\": \"no\", \"label\": \"No\", \"polarity\": \"no\", \"next\": "
                         "\"pain\"}",
                         "{\"id\": \"no\", \"label\": \"No\", \"polarity\": \"no\"}"),
              "see-doctor/speech option 'no'", "no next step"));
  }
  SECTION("outcome without a source") {
    CHECK(has(check_with("20-see-doctor.json",
                         "\"type\": \"outcome\", \"level\": \"doctor\",\n     \"section\": "
                         "\"when-to-seek-medical-attention\",",
                         "\"type\": \"outcome\", \"level\": \"doctor\","),
              "see-doctor/doctor", "outcome without a source"));
  }
  SECTION("conditions on unknown slots or options") {
    CHECK(has(check_with(sc, "{\"slot\": \"pain\", \"in\": [\"a-lot\"]}",
                         "{\"slot\": \"pain\", \"in\": [\"lots\"]}"),
              "symptom-check/speech", "unknown option 'lots'"));
  }
  SECTION("load() refuses broken flows with the first finding") {
    // FlowSet::load is what the server uses: it must not start on broken data.
    fs::path dir = fs::temp_directory_path() / "guidechat-flow-test-empty";
    fs::create_directories(dir);
    auto r = FlowSet::load(dir, *env().kb);
    CHECK_FALSE(r.ok());
    fs::remove_all(dir);
  }
}

TEST_CASE("graph prints a flow as DOT") {
  const Flow* f = env().flows->find("see-doctor");
  REQUIRE(f != nullptr);
  std::string dot = to_dot(*f);
  CHECK(dot.rfind("digraph \"see-doctor\" {", 0) == 0);
  CHECK(dot.find("\"speech\" -> \"urgent\" [label=\"Yes\"]") != std::string::npos);
  CHECK(dot.find("\"long\" -> \"doctor\" [label=\"No\"]") != std::string::npos);
  const Flow* sc = env().flows->find("symptom-check");
  CHECK(to_dot(*sc).find("if (speech = yes OR") != std::string::npos);
}
