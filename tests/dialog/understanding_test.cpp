// Typed answers and routing, through the real shipped flows.
#include <catch2/catch.hpp>

#include "dialog/answer_matcher.hpp"
#include "dialog/router.hpp"
#include "test_env.hpp"

using namespace guidechat::dialog;
using testing::env;

namespace {

Tokens tok(const std::string& s) {
  const auto& b = env().flows->language().clause_breaks;
  return tokenize(s, {b.begin(), b.end()});
}

std::vector<std::string> answer(const char* flow, const char* node, const std::string& text) {
  const Node* n = env().flows->find(flow)->find(node);
  REQUIRE(n != nullptr);
  AnswerMatcher m(*n, env().flows->language(), env().flows->language_data(),
                  env().flows->lexicon());
  return m.match(env().flows->analyzer().analyze(text).tokens, tok(text)).ids;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("yes/no and their everyday forms") {
  for (const char* yes :
       {"yes", "Yeah", "yep!", "sure", "a little", "kind of", "I think so", "yes, sometimes"}) {
    CHECK(answer("see-doctor", "speech", yes) == V{"yes"});
  }
  for (const char* no : {"no", "Nope", "nah", "not really", "not at all", "never",
                         "I don't think so", "no, he can talk fine"}) {
    CHECK(answer("see-doctor", "speech", no) == V{"no"});
  }
  // A negated yes is a no.
  CHECK(answer("see-doctor", "long", "not yes") == V{"no"});
}

TEST_CASE("labels, option words and negation") {
  CHECK(answer("symptom-check", "pain", "it doesn't hurt") == V{"none"});
  CHECK(answer("symptom-check", "pain", "it does not hurt at all") == V{"none"});
  CHECK(answer("symptom-check", "pain", "no pain") == V{"none"});
  CHECK(answer("symptom-check", "pain", "a bit sore") == V{"a-little"});
  CHECK(answer("symptom-check", "pain", "A lot") == V{"a-lot"});
  CHECK(answer("symptom-check", "duration", "just a few seconds") == V{"seconds"});
  CHECK(answer("symptom-check", "frequency", "every day") == V{"daily"});
  CHECK(answer("symptom-check", "strength", "Noticeable") == V{"noticeable"});
  CHECK(answer("symptom-check", "strength", "it's mild, not strong") == V{"mild"});
  // Typos in longer words are forgiven.
  CHECK(answer("symptom-check", "strength", "noticable") == V{"noticeable"});
}

TEST_CASE("several options in one sentence for multiple choice") {
  CHECK(answer("symptom-check", "where", "his eyes and his lips") == V{"eyes", "lips"});
  CHECK(answer("symptom-check", "where", "around the eyes, and sometimes he grimaces") ==
        V{"eyes", "grimace"});
  CHECK(answer("symptom-check", "triggers", "stress and being tired, not the cold") ==
        V{"stress", "tired"});
  CHECK(answer("symptom-check", "triggers", "all of them") ==
        V{"stress", "tired", "movement", "emotions", "surroundings"});
  CHECK(answer("symptom-check", "triggers", "nothing really") == V{"nothing"});
  // "none" is dropped when something else is named.
  CHECK(answer("symptom-check", "triggers", "nothing except stress") == V{"stress"});
  CHECK(answer("symptom-check", "where", "1 and 3") == V{"eyes", "side"});
}

TEST_CASE("answers that are not understood") {
  CHECK(answer("symptom-check", "pain", "purple").empty());
  CHECK(answer("symptom-check", "pain", "a little, no, a lot").empty());  // single choice
  CHECK(answer("symptom-check", "duration", "7").empty());                // no option 7
  CHECK(answer("see-doctor", "speech", "").empty());
}

TEST_CASE("routing free text") {
  Router r(*env().flows);
  CHECK(r.classify(tok("Hi there!")).small_talk->kind == "greeting");
  CHECK(r.classify(tok("thanks a lot")).small_talk->kind == "thanks");
  CHECK(r.classify(tok("bye")).small_talk->kind == "goodbye");
  CHECK(r.classify(tok("hi, my eye keeps twitching")).small_talk == nullptr);
  CHECK(r.classify(tok("when should my dad see a doctor?")).doctor);
  CHECK_FALSE(r.classify(tok("the doctor said it is fine")).doctor);
  CHECK_FALSE(r.classify(tok("my father's face keeps twitching and it really hurts him")).question);
  CHECK(r.classify(tok("what causes facial spasms")).question);
  CHECK(r.classify(tok("please check my symptoms")).flow_request->id == "symptom-check");
}
