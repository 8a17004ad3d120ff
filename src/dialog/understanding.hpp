// What a typed message asks for, once the safety layer has found nothing
// urgent: a request (the summary, to start again, the clinic's contact, the
// symptom questions), questions to answer from the guides (at most two,
// each with the words a guide uses for what it asks: "causes", "treatment"),
// a description of someone's symptoms, or something the guides do not cover
// (clinic logistics, doses, looks, animals, another body part or
// condition). It reads the one analysis of the message (language/), by
// concepts, not by single keywords: "the neurologist" alone does not make a
// question about when to see a doctor.
//
// Thread-safety: immutable after construction; understand() is const.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "knowledge/index.hpp"
#include "language/analysis.hpp"

namespace guidechat::dialog {

// One question of a message, to be answered from its own passage.
struct Question {
  std::string text;                // its words, to search
  std::vector<std::string> hints;  // the guide's words for what it asks ("causes", "triggers")
  bool doctor = false;             // asks whether or when to see a doctor
  bool about = false;              // names the guides' topic, a body part they speak of, or "it"
  std::string guide;               // set by the engine: the one guide to answer from (empty: any)
  std::string topic_guide;         // set by the engine: the message names this guide's topic

  // What search is given: the words, then the hints.
  std::string search_text() const {
    std::string s = text;
    for (const auto& h : hints) s += " " + h;
    return s;
  }
};

struct Understanding {
  enum class Request { kNone, kSummary, kReset, kContact, kCheck };
  Request request = Request::kNone;
  std::vector<Question> questions;  // at most two; the whole message when it asks nothing
  bool asked = false;               // a sentence of it is a question
  bool symptoms = false;            // tells of the guide's topic in someone, without asking
  bool topic = false;               // names the topic of the guide with urgent signs ("spasm")
  std::string off_topic;            // what it is about that the guides do not cover; empty: none
};

class Understander {
 public:
  // `topic`: the concepts the guides are about ("spasm"); `index` (may be
  // null) tells the guides' own words from others.
  Understander(const language::Analyzer& analyzer, const std::vector<std::string>& topic,
               const knowledge::Index* index);

  Understanding understand(const language::Analysis& analysis) const;

 private:
  // The concepts it needs, by id (kNoConcept when the data lacks one).
  struct Ids {
    language::ConceptId summary, reset, contact, check, logistics, dosing, cosmetic, body,
        condition, doctor, marker, doctor_word, timing, person, track;
  };
  bool foreign(const language::Analysis& a, const language::Mention& m) const;
  std::string off_topic(const language::Analysis& a) const;
  std::vector<Question> questions(const language::Analysis& a, bool* asked) const;
  Question question_of(const language::Analysis& a, std::size_t begin, std::size_t end) const;

  const language::Analyzer* analyzer_;
  const knowledge::Index* index_;
  Ids ids_;
  std::vector<language::ConceptId> topic_;
  std::vector<language::ConceptId> intents_;  // concepts with search words ("ask-cause", ...)
};

}  // namespace guidechat::dialog
