// Understands a typed answer to one ask node, through the one analysis of a
// message (language/): each option is a concept whose words are its label,
// its id, its `words` and, for options with a polarity, the everyday yes/no
// forms ("yeah", "nope", "not really"). So an answer is read with stems
// ("slept" ~ "sleep"), typos and negation like any message: "it doesn't
// hurt" is not pain, a negated yes is a no. Several options count for a
// multiple-choice ask ("both the eyelid and the mouth"; "all of them" only
// when no option is named); for a single-choice ask several options are
// unclear, unless a correction names the last ("very strong, no, more just
// noticeable"). Words of doubt ("not sure", "depends") ask again. Numbers
// of the options as the terminal shows them ("2", "1 and 3") count too.
//
// Thread-safety: immutable after construction; match() is const.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dialog/flow.hpp"
#include "dialog/phrases.hpp"
#include "language/analysis.hpp"

namespace guidechat::dialog {

class AnswerMatcher {
 public:
  // `data`: the product's language (its context words are used, not its
  // meanings); `lexicon` tells English words from typos.
  AnswerMatcher(const Node& ask, const Language& language, const language::LanguageData& data,
                std::shared_ptr<const language::Lexicon> lexicon);

  struct Match {
    std::vector<std::string> ids;  // the options meant, in the ask's order; empty: none
    bool unsure = false;           // an answer, but not a clear one: ask again
  };
  // `words`: the message as the analysis split it (language::Analysis's
  // tokens: they are read again with this ask's options, not split again);
  // `tokens`: as the dialog tokenizes it (for option numbers).
  Match match(const language::Tokens& words, const Tokens& tokens) const;

 private:
  static constexpr int kAll = -1;

  std::vector<std::string> by_number(const Tokens& tokens) const;

  const Node* ask_;
  std::shared_ptr<const language::Analyzer> analyzer_;
  std::vector<language::ConceptId> option_concept_;  // by option index
  language::ConceptId all_ = language::kNoConcept;
  language::ConceptId unsure_ = language::kNoConcept;
  language::ConceptId contrast_ = language::kNoConcept;
  int yes_ = -1;  // index of the option with polarity yes / no, if any
  int no_ = -1;
};

// Normalizes chosen option ids for a node: the ask's order, no duplicates,
// exclusive options dropped when others are chosen.
std::vector<std::string> normalize_choice(const Node& ask, const std::vector<std::string>& ids);

}  // namespace guidechat::dialog
