// Understands a typed answer to one ask node: option labels, ids and their
// words, the everyday yes/no forms for options with a polarity ("yeah",
// "nope", "not really", "a little"), negation ("it doesn't hurt" is not
// pain; a negated yes means no), "all of them", numbers of the options as the
// terminal shows them, and several options in one sentence for
// multiple-choice asks.
//
// Thread-safety: immutable after construction; match() is const.
#pragma once

#include <string>
#include <vector>

#include "dialog/flow.hpp"
#include "dialog/phrases.hpp"

namespace guidechat::dialog {

class AnswerMatcher {
 public:
  AnswerMatcher(const Node& ask, const Language& language);

  // The option ids meant, in the ask's order; empty when the text is not
  // understood as an answer (nothing matched, or several options for a
  // single-choice ask).
  std::vector<std::string> match(const Tokens& tokens) const;

 private:
  static constexpr int kAll = -1;

  const Node* ask_;
  PhraseSet phrases_;
  int yes_ = -1;  // index of the option with polarity yes / no, if any
  int no_ = -1;
};

// Normalizes chosen option ids for a node: the ask's order, no duplicates,
// exclusive options dropped when others are chosen.
std::vector<std::string> normalize_choice(const Node& ask, const std::vector<std::string>& ids);

}  // namespace guidechat::dialog
