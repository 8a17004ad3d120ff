// The message analysis on small, hand-made language data: words and stems,
// sentences and clauses, phrases with classes and exact words, typos,
// negation and the other contexts, and durations. (The product's own data
// is exercised by the safety set: tests/quality.)
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "common/limits.hpp"
#include "language/analysis.hpp"
#include "language/concepts.hpp"
#include "language/lexicon.hpp"
#include "language/tokens.hpp"

using namespace guidechat::language;

namespace {

LanguageData small_data() {
  LanguageData d;
  d.grammar.clause_words = {"but", "and"};
  d.grammar.question_words = {"what", "can", "could", "is"};
  d.grammar.terminators = {"but"};
  d.grammar.new_subjects = {"theyre"};
  d.grammar.sequence_words = {"then"};
  d.classes["obj"] = {"me", "him", "her"};
  auto add = [&](std::string id, Role role, std::vector<std::string> words, bool question = false) {
    d.concepts.push_back({std::move(id), role, question, std::move(words), {}, "test"});
  };
  add("negation", Role::kNegation, {"no", "not", "doesnt", "never"});
  add("fine", Role::kNegationAfter, {"is fine", "fine"});
  add("what-if", Role::kHypothetical, {"^could {obj}", "what if"});
  add("if", Role::kConditional, {"if"});
  add("cause", Role::kHypothetical, {"cause"}, true);
  add("past", Role::kHistorical, {"years ago", "went away", "used to"});
  add("now", Role::kRecent, {"now"});
  add("animal", Role::kNonHuman, {"dog"});
  add("idiom", Role::kIgnore, {"hard to say"});
  add("difficulty", Role::kMeaning, {"hard", "cant", "trouble"});
  add("speaking", Role::kMeaning, {"talk", "speech", "get {obj} words out"});
  add("pain", Role::kMeaning, {"pain", "hurt", "agony"});
  add("extreme", Role::kMeaning, {"agony", "=worst"});
  add("seizure", Role::kMeaning, {"seizure"});
  d.durations.units = {{"minute", 1}, {"hour", 60}, {"day", 1440}};
  d.durations.amounts = {{"two", 2}, {"few", 3}, {"couple", 2}, {"half", 0.5}};
  d.durations.spans = {{"night", 480}, {"afternoon", 180}};
  d.durations.span_leads = {"all", "whole"};
  d.durations.since = {{"last night", 480}};
  d.durations.phrases = {{"nonstop", 600}};
  d.durations.plural_leads = {"for"};
  d.durations.compounds = {"shift", "old"};
  return d;
}

const Analyzer& analyzer() {
  static auto a = [] {
    // A few English words: a word in this list is never taken for a typo.
    auto english = std::make_shared<const Lexicon>(
        Lexicon::from_text("", "# English\nseizure 20\nseizures 20\nseize 30\n"));
    auto built = Analyzer::build(small_data(), {}, english);
    REQUIRE(built.ok());
    return *built;
  }();
  return *a;
}

// "name" for a plain mention, "name!" negated, "name?" hypothetical, "name^"
// conditional,
// "name<" historical, "name~" about an animal.
std::vector<std::string> concepts(std::string_view text) {
  const Analyzer& a = analyzer();
  std::vector<std::string> out;
  for (const auto& m : a.analyze(text).mentions) {
    std::string s = a.name(m.concept_id);
    if (m.context.negated) s += "!";
    if (m.context.hypothetical) s += "?";
    if (m.context.conditional) s += "^";
    if (m.context.historical) s += "<";
    if (m.context.non_human) s += "~";
    out.push_back(s);
  }
  return out;
}

std::vector<double> minutes(std::string_view text) {
  std::vector<double> out;
  for (const auto& d : analyzer().analyze(text).durations) out.push_back(d.minutes);
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("tokens: folded words without apostrophes, stems, sentences and clauses") {
  Grammar g{{"but"}, {"what"}, {"but"}, {{"wanna", "want to"}}, {}, {}};
  Tokens t = tokenize("He CAN'T talk, but what's this? Dose 3.5 mg.\nNext", g, 100);
  REQUIRE(t.tokens.size() == 11);
  CHECK(t.tokens[1].word == "cant");
  CHECK(t.tokens[2].stem == "talk");
  REQUIRE(t.sentences.size() == 3);
  CHECK(t.sentences[0].question);  // ends in '?'
  CHECK_FALSE(t.sentences[1].question);
  CHECK(t.tokens[3].clause != t.tokens[2].clause);  // "but" starts a clause
  CHECK(t.tokens[6].word == "dose");                // "3.5" did not end a sentence
  CHECK(t.tokens[6].sentence == t.tokens[8].sentence);
  CHECK(tokenize("what now", g, 100).sentences[0].question);  // a question word
  CHECK(tokenize("a b c d", g, 2).tokens.size() == 2);
  // Spellings: one typed word may stand for several.
  Tokens spelled = tokenize("i wanna know", g, 100);
  REQUIRE(spelled.tokens.size() == 4);
  CHECK(spelled.tokens[2].word == "to");
}

TEST_CASE("analysis: phrases by stem, class and exact word; the longest wins") {
  CHECK(concepts("he can't talk") == V{"difficulty", "speaking"});
  CHECK(concepts("she is talking") == V{"speaking"});                // stem
  CHECK(concepts("he can't get his words out") == V{"difficulty"});  // "his" is not in {obj}
  CHECK(concepts("he can't get him words out") == V{"difficulty", "speaking"});
  CHECK(concepts("the worst") == V{"extreme"});
  CHECK(concepts("the worse").empty());  // "=worst": that word only
  // One word, two concepts: a mention of each.
  CHECK(concepts("agony") == V{"pain", "extreme"});
  // An idiom takes its words out of play.
  CHECK(concepts("hard to say").empty());
}

TEST_CASE("analysis: typos only in long words that are not English") {
  CHECK(concepts("a siezure") == V{"seizure"});
  CHECK(concepts("a seizures") == V{"seizure"});
  CHECK(concepts("tlak").empty());   // too short to forgive
  CHECK(concepts("seize").empty());  // an English word is meant as typed
}

TEST_CASE("analysis: typo matching is bounded per message") {
  // Words that are neither English nor a phrase as typed are each compared
  // with every phrase of their first letter: only the first
  // limits::kMaxTypoWordsPerAnalysis of a message are, so a message of
  // nothing but misspellings costs no more than a real one.
  std::string noise;
  for (std::size_t i = 0; i < guidechat::limits::kMaxTypoWordsPerAnalysis; ++i) {
    noise += "sxqzwv" + std::string(1, static_cast<char>('a' + i % 26)) + " ";
  }
  CHECK(concepts("siezure " + noise) == V{"seizure"});  // within the budget
  CHECK(concepts(noise + "siezure").empty());           // past it: not a typo any more
  CHECK(concepts(noise + "seizure") == V{"seizure"});   // a word as typed still counts
}

TEST_CASE("analysis: negation, before or after, within its clause") {
  CHECK(concepts("no pain") == V{"pain!"});
  CHECK(concepts("it doesnt hurt at all") == V{"pain!"});
  CHECK(concepts("no pain but he cant talk") == V{"pain!", "difficulty", "speaking"});
  CHECK(concepts("his speech is fine") == V{"speaking!"});
  CHECK(concepts("never in all of these many long years was the pain") == V{"pain"});  // too far
  // A new subject ends it even without a comma.
  CHECK(concepts("not the pain theyre in agony") == V{"pain!", "pain", "extreme"});
}

TEST_CASE("analysis: hypothetical, historical, recent and non-human contexts") {
  CHECK(concepts("what if he cant talk") == V{"difficulty?", "speaking?"});
  CHECK(concepts("if he cant talk") == V{"difficulty^", "speaking^"});
  // "but" ends the reach of a hypothetical or a condition.
  CHECK(concepts("what if it gets worse but now he cant talk") == V{"difficulty", "speaking"});
  CHECK(concepts("could him get a seizure") == V{"seizure?"});  // anchored at the start
  CHECK(concepts("he could him").empty());
  CHECK(concepts("can it cause pain?") == V{"pain?"});  // a question-only trigger
  CHECK(concepts("the cause of pain") == V{"pain"});    // not a question: no effect
  CHECK(concepts("a seizure years ago") == V{"seizure<"});
  CHECK(concepts("the pain went away") == V{"pain<"});
  CHECK(concepts("a seizure years ago, now the pain") == V{"seizure<", "pain"});
  CHECK(concepts("my dog had a seizure") == V{"seizure~"});
  // A past before "but" does not reach past it; one after it reaches back.
  CHECK(concepts("it used to be mild but now the pain") == V{"pain"});
  CHECK(concepts("the pain was bad, but that was years ago") == V{"pain<"});
}

TEST_CASE("analysis: a question's reach starts at its last clause that asks") {
  // The story before the question is told, not asked ("cause" asks only in
  // a question, and only within the asking clause).
  CHECK(concepts("the cause was the pain, what can i do?") == V{"pain"});
  CHECK(concepts("can the cause, or the pain, go?") == V{"pain?"});
  // In a telling, "and then" starts something new; in a question it does
  // not, and a plain "and" goes on with the same frame.
  CHECK(concepts("what if he falls and then cant talk") == V{"difficulty?", "speaking?"});
  CHECK(concepts("i read what if it hurts and then the pain came") == V{"pain?", "pain"});
  CHECK(concepts("i read what if it hurts, then the pain came") == V{"pain?", "pain"});
  CHECK(concepts("i read what if it hurts and the pain came") == V{"pain?", "pain?"});
}

TEST_CASE("analysis: durations as minutes") {
  CHECK(minutes("up every two hours").empty());  // how often
  CHECK(minutes("for two hours") == std::vector<double>{120});
  CHECK(minutes("a couple of hours") == std::vector<double>{120});
  CHECK(minutes("half an hour") == std::vector<double>{30});
  CHECK(minutes("an hour") == std::vector<double>{60});
  CHECK(minutes("3 days") == std::vector<double>{3 * 1440});
  CHECK(minutes("for hours") == std::vector<double>{120});  // a plural after a lead word
  CHECK(minutes("most days").empty());                      // how often, not how long
  CHECK(minutes("twice a day").empty());
  CHECK(minutes("a long day").empty());
  CHECK(minutes("a 12 hour shift").empty());
  CHECK(minutes("a 3 day old").empty());
  CHECK(minutes("all night") == std::vector<double>{480});
  CHECK(minutes("the whole afternoon") == std::vector<double>{180});
  CHECK(minutes("since last night") == std::vector<double>{480});
  CHECK(minutes("nonstop") == std::vector<double>{600});
}

TEST_CASE("concepts: the product's data loads and every phrase's class exists") {
  auto data = load_language_data(std::string(GUIDECHAT_SOURCE_DIR) + "/lang/concepts.json");
  REQUIRE(data.ok());
  CHECK(check_concepts(*data).empty());
  LanguageData broken = small_data();
  broken.concepts.push_back({"x", Role::kMeaning, false, {"{nope} word"}, {}, "test"});
  CHECK(check_concepts(broken).size() == 1);
  CHECK_FALSE(Analyzer::build(broken, {}, nullptr).ok());
}
