// Decides what a free-text message is when it is not (only) an answer:
// small talk (greeting, thanks, goodbye, stop), a request to start a flow, a
// question, or a "when to see a doctor" question.
// The engine combines these with the conversation state.
//
// Thread-safety: immutable after construction; classify() is const.
#pragma once

#include <string>

#include "dialog/flow.hpp"
#include "dialog/phrases.hpp"

namespace guidechat::dialog {

struct Intent {
  const SmallTalk* small_talk = nullptr;  // set when the whole message is small talk
  const Flow* flow_request = nullptr;     // "check my symptoms"
  bool question = false;
  bool doctor = false;  // asks when to see a doctor / get help
};

class Router {
 public:
  explicit Router(const FlowSet& flows);

  Intent classify(const Tokens& tokens) const;

 private:
  static constexpr int kFiller = -1;

  const FlowSet* flows_;
  PhraseSet small_talk_;
  PhraseSet flow_phrases_;
  PhraseSet doctor_;
  WordSet question_words_;
};

}  // namespace guidechat::dialog
