// The safety layer on the shipped data: the guide's urgent signs and the
// clinic's emergencies, with negation, questions, the past and animals; the
// rule options (scope, unless, even_if, lasting, the flow's topic); and
// what the engine replies: the emergency first, nothing else, the flow
// paused. (The blind-written safety set, tests/quality, measures the rest.)
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dialog/safety.hpp"
#include "dialog/summary.hpp"
#include "test_env.hpp"

using namespace guidechat::dialog;
using guidechat::protocol::ClientMessage;
using guidechat::protocol::ClientType;
using guidechat::protocol::PartType;
using testing::env;

namespace {

using V = std::vector<std::string>;

// Urgent sign ids and emergency ids ("!id") a message leads to.
V found(const std::string& text, bool in_flow = false) {
  const FlowSet& flows = *env().flows;
  SafetyFindings f = flows.safety().check(flows.analyzer().analyze(text), in_flow);
  V out;
  for (const auto* e : f.emergencies) out.push_back("!" + e->id);
  for (const auto& s : f.urgent_signs) out.push_back(s);
  return out;
}

Turn say(const State& state, const std::string& text) {
  ClientMessage m;
  m.type = ClientType::kSay;
  m.text = text;
  return env().engine->handle(state, m);
}

}  // namespace

TEST_CASE("safety: the guide's urgent signs in other words, with negation") {
  CHECK(found("he can't speak properly") == V{"speech"});
  CHECK(found("he can hardly get a sentence out when it happens") == V{"speech"});
  CHECK(found("his speech goes all mumbled") == V{"speech"});
  CHECK(found("My mum has trouble eating since yesterday") == V{"chewing"});
  CHECK(found("she can barely chew her dinner when it starts") == V{"chewing"});
  CHECK(found("the pain is unbearable") == V{"pain"});
  CHECK(found("he says the pain is the worst he has ever felt") == V{"pain"});
  // "Won't stop" alone is how often, not how long (blind writers agree).
  CHECK(found("it won't stop twitching").empty());
  CHECK(found("it has been twitching nonstop for 5 hours") == V{"long"});
  CHECK(found("the spasm has been going since last night without a break") == V{"long"});
  CHECK(found("my eyelid has been twitching for three hours") == V{"long"});
  CHECK(found("He cannot chew and it hurts a lot") == V{"chewing", "pain"});
  CHECK(found("no trouble speaking").empty());
  CHECK(found("he doesn't have any trouble chewing").empty());
  CHECK(found("no trouble speaking or trouble chewing").empty());
  CHECK(found("it's not unbearable").empty());
  CHECK(found("no pain, but he can't chew") == V{"chewing"});
  CHECK(found("not much pain and he can't talk") == V{"speech"});
  CHECK(found("my eye twitches a bit").empty());
  CHECK(found("it twitches for a few seconds").empty());
  CHECK(found("my eyelid twitches on and off for hours").empty());  // "unless": intermittent
  CHECK(found("I've had twitches for years").empty());              // "lasting": below 7 days
}

TEST_CASE("safety: questions, the past and animals are not reports") {
  CHECK(found("could it ever stop me talking?").empty());
  CHECK(found("what if he can't swallow").empty());
  CHECK(found("can spasms cause chest pain?").empty());
  CHECK(found("I had a seizure as a kid, none since").empty());
  CHECK(found("my cat's face twitches and she can't eat").empty());
  CHECK(found("what are the signs of a stroke?").empty());
  CHECK(found("my mum can't talk properly") == V{"speech"});  // someone else, now: counts
  // Someone else's story, set against the writer's own in the same sentence.
  CHECK(found("my friend says her spasms were really painful, mine are just a flicker").empty());
  CHECK(found("my friend says her spasms are really painful").size() == 1);
  // Worry, belief and a story's frame are not reports.
  CHECK(found("I panicked thinking I'd doubled my dose, but I only took the one").empty());
  CHECK(found("I'm reading a novel where the main character wants to end it all").empty());
  CHECK(found("is a sudden bad headache something to worry about?").empty());
}

TEST_CASE("safety: a frame's reach ends where the telling moves on") {
  // A source frame ("like the guide says") does not reach past "and then".
  CHECK(found("I used the compress like the guide says, sitting in my chair, and then I got "
              "this pain in my chest, like someone sitting on me") == V{"!chest-pain"});
  // The past before "but now" is not now's; the past after "but" reaches back.
  CHECK(found("they used to be small but now my face screws up so hard I've pulled something") ==
        V{"severe"});
  CHECK(found("it went on for hours when it started, but that was two years ago").empty());
  // A new subject ends a negation: "not twitching, they're swelling".
  CHECK(found("the lips but they're not twitching they're swelling up massively") == V{"!allergy"});
  // A long story told before the question is not asked.
  CHECK(found("eye twitch as usual, then the spasm came back and I couldn't speak "
              "properly for most of the afternoon, what is a warm compress?") == V{"speech"});
  // An "unless" far off in a long story does not cancel: the exercises
  // were for the face, the chest pain is now.
  CHECK(found("I started the relaxation exercises my daughter printed off for me and I sleep "
              "better too and I have an appointment in two weeks and while I was writing this "
              "I got a tight heavy feeling in the middle of my chest") == V{"!chest-pain"});
  CHECK(found("my nan is 88 and her eyelid twitches").empty());
}

TEST_CASE("safety: emergencies beyond the guide") {
  CHECK(found("his face is drooping on one side and his arm is weak") == V{"!stroke"});
  CHECK(found("I have a crushing pain in my chest") == V{"!chest-pain"});
  CHECK(found("my son can't breathe") == V{"!breathing"});
  CHECK(found("she is fitting and turning blue") == V{"!seizure"});
  CHECK(found("I want to end my life") == V{"!suicide"});
  // Thoughts of suicide count even when said as a condition.
  CHECK(found("if the botox doesn't work I want to die") == V{"!suicide"});
  CHECK(found("he swallowed a whole bottle of pills") == V{"!overdose"});
  CHECK(found("her throat is swelling after the new medicine") == V{"!allergy"});
  CHECK(found("he hit his head and keeps throwing up") == V{"!head-injury"});
  // "scope": "message": the injury and its signs in different sentences.
  CHECK(found("She banged her head this morning. Since then she has been sick twice.") ==
        V{"!head-injury"});
  CHECK(found("I suddenly lost the sight in my right eye") == V{"!vision"});
  CHECK(found("the worst headache of my life came on suddenly") == V{"!headache"});
  CHECK(found("chest is sore after the gym").empty());  // "unless": exercise
  CHECK(found("I'm not suicidal, just fed up").empty());
}

TEST_CASE("safety: in a flow, the guide's topic is taken as said") {
  CHECK(found("it has gone on all day").empty() == false);  // "it": a referent, even outside
  CHECK(found("all day long", false).empty());
  CHECK(found("all day long", true) == V{"long"});
  CHECK(found("very strong", false).empty());
  CHECK(found("very strong", true) == V{"severe"});
}

TEST_CASE("engine: an emergency wins at once, first and alone, and a flow is paused") {
  State s;
  s.flow = "symptom-check";
  s.node = "pain";
  Turn t = say(s, "I want to kill myself");
  REQUIRE_FALSE(t.parts.empty());
  CHECK(t.parts[0].type == PartType::kOutcome);
  CHECK(t.parts[0].level == "urgent");
  CHECK(t.parts[0].emergency == "suicide");
  CHECK(t.parts[0].source.guide == "emergencies");
  CHECK(t.parts[0].text.find("your local emergency number") != std::string::npos);
  for (const auto& p : t.parts) CHECK(p.type != PartType::kAnswer);
  // Paused, not lost: the question is still pending.
  CHECK(t.state.flow == "symptom-check");
  CHECK(t.state.node == "pain");
  // The summary names what was said.
  auto summary = build_summary(*env().flows, t.state);
  REQUIRE(summary.items.size() == 1);
  CHECK(summary.items[0].answer == "Thoughts of suicide or self-harm");
}

TEST_CASE("engine: a typed answer that is also an urgent sign is kept") {
  State s;
  s.flow = "symptom-check";
  s.node = "strength";
  Turn t = say(s, "very strong, it's really violent");
  REQUIRE_FALSE(t.parts.empty());
  CHECK(t.parts[0].level == "urgent");
  bool kept = false;
  for (const auto& a : t.state.answers)
    kept = kept || (a.slot == "strength" && a.options == V{"severe"});
  CHECK(kept);
  CHECK(t.state.node == "pain");  // the flow goes on from the next question
}

TEST_CASE("safety data: unknown concepts and bad rules are reported") {
  std::vector<std::string> problems;
  auto rules =
      read_rules(nlohmann::json::parse(R"([["a"], {"all": []}, {"all": ["a"], "scope": "x"},
      {"all": ["a"], "lasting": {"at_least": "soon"}}, {"all": ["a"], "even_if": ["sleeping"]}])"),
                 "test", &problems);
  CHECK(rules.size() == 1);
  CHECK(problems.size() == 4);
  EmergencyKind k{"k", "K", "text", rules};
  problems.clear();
  auto analyzer =
      guidechat::language::Analyzer::build(env().kb->language(), {}, env().kb->shared_lexicon());
  REQUIRE(analyzer.ok());
  (void)Safety::build(*analyzer, {k}, {}, {}, &problems);
  CHECK(problems == V{"emergency 'k': unknown concept 'a'"});
}

TEST_CASE("safety: the clinic's numbers fill the emergency texts") {
  Clinic set;
  set.emergency_number = "911";
  Clinic unset;
  unset.emergency_number = "your local emergency number";
  unset.crisis_line = "a crisis line";
  CHECK(fill_numbers("Call {emergency_number} or {crisis_line}.", set, unset) ==
        "Call 911 or a crisis line.");
  CHECK(fill_numbers("Call {emergency_number}.", Clinic{}, unset) ==
        "Call your local emergency number.");
}
