// Turns a person's question into what search needs: the words that carry its
// topic (everyday words dropped, typos corrected, synonyms added), each with
// a weight for how much topic it carries, and a safe FTS5 MATCH expression.
// User text never reaches MATCH raw: only words made of letters, digits and
// apostrophes survive text::words(), and every term is double-quoted.
//
// Thread-safety: a QueryBuilder is immutable; analyze() is const and safe
// from any thread (the stem function passed in must be the caller's own).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "knowledge/lexicon.hpp"
#include "knowledge/speller.hpp"
#include "knowledge/synonyms.hpp"

namespace guidechat::knowledge {

// One FTS5 string: "term" with inner double quotes doubled. Whatever `term`
// holds, the result is a single string token or phrase, never syntax.
std::string fts5_quote(std::string_view term);
// "t1" OR "t2 t3" OR ...; empty when `terms` is empty.
std::string build_match(const std::vector<std::string>& terms);

// What the index knows, for analyze(): stems with the number of passages
// holding them, and the speller over the guide's words.
struct Vocabulary {
  std::unordered_map<std::string, int> stem_passages;
  int passages = 0;
  Speller speller;
};

struct QueryWord {
  std::string typed;               // as typed (folded)
  std::string word;                // after typo correction
  std::vector<std::string> forms;  // searched: the word and its synonyms the guide knows
  std::vector<std::vector<std::string>> form_stems;  // stems of each form's words
  double weight = 1.0;                               // how much topic it carries
  bool known = false;                                // some form is in the guide
};

struct Analysis {
  std::vector<QueryWord> words;  // the topic words, in order
  std::string match;             // FTS5 MATCH expression; empty: nothing to search
};

using StemFn = std::function<std::string(std::string_view)>;

class QueryBuilder {
 public:
  QueryBuilder(const Vocabulary* vocabulary, const Synonyms* synonyms, const Lexicon* lexicon)
      : vocabulary_(vocabulary), synonyms_(synonyms), lexicon_(lexicon) {}

  Analysis analyze(std::string_view question, const StemFn& stem) const;

  // Weight of a word by how common it is in English (SCOWL class): common
  // words say less about what a question is about than rare ones.
  static double weight_of_class(int word_class);

 private:
  const Vocabulary* vocabulary_;
  const Synonyms* synonyms_;
  const Lexicon* lexicon_;
};

}  // namespace guidechat::knowledge
