// Several guides side by side (#15): the bundled guide and the sample guide
// of examples/guides, loaded together and the sample alone, with the shipped
// dialogs (whose files name the first guide).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "dialog/engine.hpp"
#include "test_env.hpp"

using namespace guidechat::dialog;
using guidechat::protocol::ClientMessage;
using guidechat::protocol::ClientType;
using guidechat::protocol::Part;
using guidechat::protocol::PartType;
namespace fs = std::filesystem;

namespace {

// A knowledge folder holding copies of `files` (paths in the source tree).
struct Folder {
  fs::path path;
  explicit Folder(const std::vector<std::string>& files) {
    path = fs::temp_directory_path() /
           ("guidechat-guides-" + std::to_string(::getpid()) + "-" + std::to_string(files.size()));
    fs::remove_all(path);
    fs::create_directories(path);
    for (const auto& f : files) {
      fs::copy_file(testing::source_dir() + "/" + f, path / fs::path(f).filename());
    }
  }
  ~Folder() { fs::remove_all(path); }
};

struct Loaded {
  std::shared_ptr<const guidechat::knowledge::KnowledgeBase> kb;
  std::shared_ptr<const guidechat::knowledge::Index> index;
  std::shared_ptr<const FlowSet> flows;
  std::unique_ptr<Engine> engine;
};

Loaded load(const fs::path& dir) {
  Loaded l;
  auto kb = guidechat::knowledge::KnowledgeBase::load(dir);
  REQUIRE(kb.ok());
  l.kb = *kb;
  auto index = guidechat::knowledge::Index::build(l.kb, {});
  REQUIRE(index.ok());
  l.index = *index;
  auto flows = FlowSet::load(testing::source_dir() + "/dialogs", *l.kb);
  REQUIRE(flows.ok());
  l.flows = *flows;
  l.engine = std::make_unique<Engine>(l.flows, l.index);
  return l;
}

std::vector<Part> ask(const Engine& engine, const std::string& text, std::string guide = {}) {
  ClientMessage m;
  m.type = ClientType::kSay;
  m.text = text;
  m.guide = std::move(guide);
  return engine.handle(State{}, m).parts;
}

std::vector<const Part*> answers(const std::vector<Part>& parts) {
  std::vector<const Part*> out;
  for (const auto& p : parts) {
    if (p.type == PartType::kAnswer) out.push_back(&p);
  }
  return out;
}

bool has_ask(const std::vector<Part>& parts) {
  for (const auto& p : parts) {
    if (p.type == PartType::kAsk) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("two guides: each question goes to its guide, sources name the guide") {
  Folder dir(
      {"knowledge/facial-spasm.md", "knowledge/synonyms.txt", "examples/guides/tinnitus.md"});
  Loaded l = load(dir.path);
  const Engine& e = *l.engine;

  auto ringing = ask(e, "does caffeine make the ringing worse?");
  REQUIRE(answers(ringing).size() == 1);
  CHECK(answers(ringing)[0]->source.guide == "tinnitus");
  CHECK(answers(ringing)[0]->source.section == "things-that-can-make-it-worse");
  CHECK(answers(ringing)[0]->source.guide_title.find("Tinnitus") == 0);

  // "When should I see a doctor" about one guide: that guide's section, and
  // only the flow of that guide.
  auto ears = ask(e, "my ears keep ringing, when should I see a doctor?");
  REQUIRE(!answers(ears).empty());
  CHECK(answers(ears)[0]->source.guide == "tinnitus");
  CHECK(answers(ears)[0]->source.section == "when-to-seek-medical-attention");
  CHECK_FALSE(has_ask(ears));
  auto eyelid = ask(e, "my eyelid keeps twitching, when should I see a doctor?");
  REQUIRE(answers(eyelid).size() == 1);
  CHECK(answers(eyelid)[0]->source.guide == "facial-spasm");
  CHECK(has_ask(eyelid));

  // A question both guides answer: one answer from each.
  auto doctor = ask(e, "when should I see a doctor?");
  REQUIRE(answers(doctor).size() == 2);
  CHECK(answers(doctor)[0]->source.guide != answers(doctor)[1]->source.guide);

  // A widget kept to one guide gets answers from that guide only, and its
  // own flows.
  auto treatments = ask(e, "what are the treatments?");
  CHECK(answers(treatments).size() == 2);
  auto kept = ask(e, "what are the treatments?", "tinnitus");
  REQUIRE(answers(kept).size() == 1);
  CHECK(answers(kept)[0]->source.guide == "tinnitus");
  CHECK(answers(ask(e, "what are the treatments?", "no-such-guide")).size() == 2);
  CHECK_FALSE(has_ask(ask(e, "check my symptoms", "tinnitus")));
  CHECK(has_ask(ask(e, "check my symptoms", "facial-spasm")));

  // welcome lists the guides, and each flow's guide.
  REQUIRE(e.guides().size() == 2);
  CHECK(e.guides()[0].id == "facial-spasm");
  CHECK(e.flows().front().guide == "facial-spasm");

  // Section ids are per guide.
  CHECK(l.kb->find("tinnitus/about-this-guide") != nullptr);
  CHECK(l.kb->find("facial-spasm/about-this-guide") != nullptr);
  CHECK(l.kb->ambiguous("about-this-guide"));
}

TEST_CASE("a guide's urgent signs are read for messages about that guide") {
  Folder dir(
      {"knowledge/facial-spasm.md", "knowledge/synonyms.txt", "examples/guides/heel-pain.md"});
  Loaded l = load(dir.path);
  const Engine& e = *l.engine;
  auto urgent = [&](const std::string& text, std::string guide = {}) {
    auto parts = ask(e, text, guide);
    return !parts.empty() && parts.front().type == guidechat::protocol::PartType::kOutcome;
  };
  // "Agony" is the spasm guide's sign "spasms hurt a lot"; in a question
  // that clearly fits the heel guide, it is that guide's, answered from it.
  const std::string heel = "my plantar fasciitis is agony, what can I do?";
  CHECK_FALSE(urgent(heel));
  auto parts = ask(e, heel);
  REQUIRE(!answers(parts).empty());
  CHECK(answers(parts)[0]->source.guide == "heel-pain");
  // Said of the spasms, with nothing that points elsewhere, or when the
  // spasm guide still fits the message in part: urgent (when unsure,
  // escalate).
  CHECK(urgent("my face spasms are agony"));
  CHECK(urgent("it is agony"));
  CHECK(urgent("he can't speak properly"));
  CHECK(urgent("my heel is agony"));
  // A page kept to the spasm guide reads every message against its signs.
  CHECK(urgent(heel, "facial-spasm"));
  // Emergencies beyond the guides count whatever the topic.
  CHECK(urgent("my heel hurts and I have crushing chest pain"));
}

TEST_CASE("a guide alone, with no file of its own, answers and finds its doctor section") {
  Folder dir({"examples/guides/tinnitus.md"});
  Loaded l = load(dir.path);
  CHECK(l.flows->flows().empty());  // the shipped flows are the first guide's
  CHECK(l.flows->doctor_section("tinnitus") == "tinnitus/when-to-seek-medical-attention");
  auto doctor = ask(*l.engine, "when should I see a doctor about it?");
  REQUIRE(answers(doctor).size() == 1);
  CHECK(answers(doctor)[0]->source.section == "when-to-seek-medical-attention");
  CHECK(answers(doctor)[0]->source.guide.empty());  // one guide: no guide in the source
  CHECK(l.engine->guides().empty());
  // The greeting names the guide it answers from, also for a message of
  // punctuation only.
  auto greeting = ask(*l.engine, "?!");
  REQUIRE(!greeting.empty());
  CHECK(greeting[0].text.find("Tinnitus") != std::string::npos);
  CHECK(greeting[0].text.find("{guides}") == std::string::npos);
  auto refused = ask(*l.engine, "what is the best recipe for lasagne?");
  REQUIRE(!refused.empty());
  CHECK(refused[0].type == PartType::kFallback);
  // Emergencies do not depend on the guides loaded.
  auto stroke = ask(*l.engine, "his face is drooping on one side and his arm is weak");
  REQUIRE(!stroke.empty());
  CHECK(stroke[0].type == PartType::kOutcome);
  CHECK(stroke[0].emergency == "stroke");
}
