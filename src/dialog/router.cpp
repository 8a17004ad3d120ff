#include "dialog/router.hpp"

namespace guidechat::dialog {

Router::Router(const FlowSet& flows)
    : flows_(&flows),
      flow_phrases_(WordSet(flows.language().negators)),
      doctor_(WordSet(flows.language().negators)),
      question_words_(flows.language().question_words) {
  const Language& lang = flows.language();
  for (std::size_t i = 0; i < lang.small_talk.size(); ++i) {
    for (const auto& p : lang.small_talk[i].phrases) small_talk_.add(p, static_cast<int>(i));
  }
  for (const auto& f : lang.fillers) small_talk_.add(f, kFiller);
  for (std::size_t i = 0; i < flows.flows().size(); ++i) {
    const Flow& f = flows.flows()[i];
    for (const auto& p : f.phrases) flow_phrases_.add(p, static_cast<int>(i));
  }
  for (const auto& p : lang.doctor_phrases) doctor_.add(p, 0);
}

Intent Router::classify(const Tokens& tokens) const {
  Intent in;
  if (tokens.words.empty()) return in;

  // Small talk only when every word is small talk or filler ("thanks a
  // lot", "hi there"), so "hi, my eye twitches" is not brushed off.
  std::size_t covered = 0;
  int first_kind = -2;
  for (const PhraseHit& h : small_talk_.find(tokens)) {
    covered += h.length;
    if (h.tag != kFiller && first_kind == -2) first_kind = h.tag;
  }
  if (first_kind >= 0 && covered == tokens.words.size()) {
    in.small_talk = &flows_->language().small_talk[static_cast<std::size_t>(first_kind)];
  }

  for (const PhraseHit& h : flow_phrases_.find(tokens)) {
    if (!h.negated) {
      in.flow_request = &flows_->flows()[static_cast<std::size_t>(h.tag)];
      break;
    }
  }
  in.question = tokens.question || question_words_.contains(tokens.words[0]);
  // Only a question asks when to see a doctor: the scan is skipped when it
  // cannot change the intent.
  if (in.question) {
    for (const PhraseHit& h : doctor_.find(tokens)) {
      if (!h.negated) in.doctor = true;
    }
  }
  return in;
}

}  // namespace guidechat::dialog
