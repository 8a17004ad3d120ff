#include "dialog/understanding.hpp"

#include <algorithm>

namespace guidechat::dialog {

using language::Analysis;
using language::ConceptId;
using language::kNoConcept;
using language::Mention;

namespace {

constexpr std::size_t kMaxQuestions = 2;
// A question this short, or one that says "it", is read with the sentence
// before it: "My eye keeps jumping. What is that?"
constexpr std::size_t kShortQuestionWords = 6;

bool has(const std::vector<ConceptId>& ids, ConceptId id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

bool any_in(const Analysis& a, ConceptId id, std::size_t begin, std::size_t end, bool asserted) {
  return std::any_of(a.mentions.begin(), a.mentions.end(), [&](const Mention& m) {
    return m.concept_id == id && m.begin >= begin && m.end <= end &&
           (!asserted || m.context.asserted());
  });
}

}  // namespace

Understander::Understander(const language::Analyzer& analyzer,
                           const std::vector<std::string>& topic, const knowledge::Index* index)
    : analyzer_(&analyzer), index_(index) {
  auto id = [&](const char* name) { return analyzer.find(name); };
  ids_ = {id("want-summary"), id("want-reset"), id("want-contact"), id("want-check"),
          id("logistics"),    id("dosing"),     id("cosmetic"),     id("body-part"),
          id("condition"),    id("ask-doctor"), id("ask-marker"),   id("doctor-word"),
          id("timing"),       id("person"),     id("ask-track")};
  for (const auto& name : topic) {
    if (ConceptId t = analyzer.find(name); t != kNoConcept) topic_.push_back(t);
  }
  for (ConceptId c = 0; c < static_cast<ConceptId>(analyzer.size()); ++c) {
    if (!analyzer.search_words(c).empty()) intents_.push_back(c);
  }
}

bool Understander::foreign(const Analysis& a, const Mention& m) const {
  if (index_ == nullptr) return false;
  for (std::size_t i = m.begin; i < m.end; ++i) {
    if (index_->covers(a.tokens.tokens[i].word)) return false;
  }
  return true;
}

std::string Understander::off_topic(const Analysis& a) const {
  for (const auto& t : a.triggers) {
    if (analyzer_->name(t.concept_id) == "non-human") return "animal";
  }
  bool own_place = false, other_place = false, other_condition = false;
  for (const Mention& m : a.mentions) {
    if (m.context.negated) continue;
    if (m.concept_id == ids_.logistics) return "logistics";
    if (m.concept_id == ids_.dosing) return "dosing";
    if (m.concept_id == ids_.cosmetic) return "cosmetic";
    if (m.concept_id == ids_.body) (foreign(a, m) ? other_place : own_place) = true;
    if (m.concept_id == ids_.condition && foreign(a, m)) other_condition = true;
  }
  if (other_condition) return "condition";
  // "his hand twitches" is another body part's; "his eye and hand" is not.
  if (other_place && !own_place) return "body part";
  return "";
}

Question Understander::question_of(const Analysis& a, std::size_t begin, std::size_t end) const {
  Question q;
  const auto& toks = a.tokens.tokens;
  bool refers = false;
  for (std::size_t i = begin; i < end; ++i) {
    const std::string& w = toks[i].word;
    refers = refers || w == "it" || w == "that" || w == "this" || w == "they" || w == "its";
  }
  std::size_t from = begin;
  const int sentence = toks[begin].sentence;
  if ((refers || end - begin <= kShortQuestionWords) && sentence > 0) {
    from = a.tokens.sentences[static_cast<std::size_t>(sentence - 1)].begin;
  }
  for (std::size_t i = from; i < end; ++i) q.text += (q.text.empty() ? "" : " ") + toks[i].word;
  q.about = refers;
  bool doctor_word = false, timing = false;
  const bool track = any_in(a, ids_.track, begin, end, false);
  for (const Mention& m : a.mentions) {
    if (m.begin < begin || m.end > end) continue;
    if (m.concept_id == ids_.doctor) q.doctor = true;
    doctor_word = doctor_word || m.concept_id == ids_.doctor_word;
    timing = timing || m.concept_id == ids_.timing;
    q.about = q.about || has(topic_, m.concept_id) || (m.concept_id == ids_.body && !foreign(a, m));
    if (!has(intents_, m.concept_id)) continue;
    // "What should I note before I see the doctor?" asks what to note.
    if (track && m.concept_id == ids_.doctor) continue;
    for (const auto& w : analyzer_->search_words(m.concept_id)) {
      if (std::find(q.hints.begin(), q.hints.end(), w) == q.hints.end()) q.hints.push_back(w);
    }
  }
  // "When should he go to the GP?": a doctor and a time, together.
  // "What should I note before we see the doctor?" prepares a visit: it
  // does not ask whether to go.
  q.doctor = (q.doctor || (doctor_word && timing)) && !track;
  return q;
}

std::vector<Question> Understander::questions(const Analysis& a, bool* asked) const {
  // Question sentences, split where a second question joins the first
  // ("what is it and how do I stop it").
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  const auto& toks = a.tokens.tokens;
  for (const auto& s : a.tokens.sentences) {
    // "I'd like to know what helps." asks too.
    if (!s.question && !any_in(a, ids_.marker, s.begin, s.end, false)) continue;
    std::size_t start = s.begin;
    for (std::size_t i = s.begin + 2; i + 1 < s.end; ++i) {
      bool joins = toks[i].clause != toks[i - 1].clause &&
                   (toks[i].word == "and" || toks[i].word == "also" || toks[i].word == "n");
      if (joins && analyzer_->question_word(toks[i + 1].word)) {
        spans.emplace_back(start, i);
        start = i + 1;
      }
    }
    spans.emplace_back(start, s.end);
  }
  *asked = !spans.empty();
  if (spans.empty() && !toks.empty()) spans.emplace_back(0, toks.size());
  // A long story asks its question last: keep the last ones.
  if (spans.size() > kMaxQuestions) spans.erase(spans.begin(), spans.end() - kMaxQuestions);
  std::vector<Question> out;
  for (auto [b, e] : spans) out.push_back(question_of(a, b, e));
  return out;
}

Understanding Understander::understand(const Analysis& a) const {
  Understanding u;
  // A request counts however it is put ("could you check...?"), unless denied.
  auto asked_for = [&](ConceptId id) {
    return std::any_of(a.mentions.begin(), a.mentions.end(), [&](const Mention& m) {
      return id != kNoConcept && m.concept_id == id && !m.context.negated;
    });
  };
  if (asked_for(ids_.summary)) {
    u.request = Understanding::Request::kSummary;
  } else if (asked_for(ids_.reset)) {
    u.request = Understanding::Request::kReset;
  } else if (asked_for(ids_.check)) {
    u.request = Understanding::Request::kCheck;
  } else if (asked_for(ids_.contact)) {
    u.request = Understanding::Request::kContact;
  }
  u.off_topic = off_topic(a);
  u.questions = questions(a, &u.asked);
  // Someone's own spasms ("my eye keeps twitching", "why does his face
  // jump?"): the symptom check is offered with the answer.
  for (const auto& s : a.tokens.sentences) {
    bool topic = false;
    for (ConceptId t : topic_) topic = topic || any_in(a, t, s.begin, s.end, true);
    u.topic = u.topic || topic;
    u.symptoms = u.symptoms || (topic && any_in(a, ids_.person, s.begin, s.end, false));
  }
  return u;
}

}  // namespace guidechat::dialog
