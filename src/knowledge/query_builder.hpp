// Turns a person's question into what search needs: the words that carry its
// topic (everyday words dropped, typos corrected, synonyms added; for a word
// the guide lacks, the product-wide lay words' forms the guide has, at less
// credit: "racket" searched as noise), each with
// a weight for how much topic it carries, and a safe FTS5 MATCH expression.
// User text never reaches MATCH raw: only words made of letters, digits and
// apostrophes survive text::words(), and every term is double-quoted.
//
// Thread-safety: a QueryBuilder is immutable; analyze() is const and safe
// from any thread (the stem function passed in must be the caller's own).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/text.hpp"
#include "knowledge/speller.hpp"
#include "knowledge/synonyms.hpp"
#include "language/lexicon.hpp"

namespace guidechat::knowledge {

// One FTS5 string: "term" with inner double quotes doubled (control
// characters and invalid UTF-8 dropped). Whatever `term` holds, the result is
// a single string token or phrase, never syntax.
std::string fts5_quote(std::string_view term);
// "t1" OR "t2 t3" OR ...; empty when `terms` is empty.
std::string build_match(const std::vector<std::string>& terms);

// A stem of the index's vocabulary, by number.
using StemId = std::uint32_t;

using text::StringHash;

// What the index knows, for analyze(): its stems (numbered) and the speller
// over the guide's words.
struct Vocabulary {
  std::unordered_map<std::string, StemId, StringHash, std::equal_to<>> stems;
  int passages = 0;         // in the index
  std::vector<int> docs;    // by StemId: passages (with their heading) holding it
  std::vector<double> idf;  // by StemId: Robertson's idf from docs
  std::vector<bool> core;   // by StemId: in at least half of one guide's passages
  Speller speller;

  // The idf of a word held by `docs` passages.
  double idf_of(int docs) const;
  // The id of a stem, or false when the index does not hold it.
  bool find(std::string_view stem, StemId* id) const;
};

struct QueryWord {
  std::string typed;               // as typed (folded)
  std::string word;                // after typo correction
  std::vector<std::string> forms;  // searched: the word and its synonyms the guide knows
  std::vector<std::vector<StemId>> form_stems;  // stems of each form's words
  std::vector<double> form_idf;                 // each form's idf (its rarest word)
  double weight = 1.0;                          // how much topic it carries
  double idf = 1.0;      // how well it tells passages apart (its rarest form's idf)
  bool known = false;    // some form is in the guide
  bool core = false;     // names what a guide is about (see Vocabulary::core)
  bool lay = false;      // known only through product-wide lay words (weighs less)
  bool broader = false;  // ... and only through broader ones ("acupuncture": treatment)
};

struct Analysis {
  std::vector<QueryWord> words;   // the topic words, in order
  std::string match;              // FTS5 MATCH expression of the words said; empty: none
  std::string synonym_match;      // ... of synonyms of words the guide has; may be empty
  bool broad = false;             // only a word found nearly everywhere was left to search for
  std::vector<StemId> all_stems;  // every word of the question the index knows, sorted
  std::size_t corrections = 0;    // typo corrections tried (limits::kMaxCorrectionsPerQuery)
};

using StemFn = std::function<std::string(std::string_view)>;

class QueryBuilder {
 public:
  QueryBuilder(const Vocabulary* vocabulary, const Synonyms* synonyms,
               const language::Lexicon* lexicon)
      : vocabulary_(vocabulary), synonyms_(synonyms), lexicon_(lexicon) {}

  Analysis analyze(std::string_view question, const StemFn& stem) const;

  // Weight of a word by how common it is in English (SCOWL class): common
  // words say less about what a question is about than rare ones.
  static double weight_of_class(int word_class);

 private:
  // A lay word's alternatives (lang/lay-synonyms.txt) the index holds:
  // synonyms first, then broader words.
  struct LayForms {
    std::vector<std::string> forms;
    std::size_t synonyms = 0;  // forms[0, synonyms) are synonyms
  };
  LayForms lay_forms(std::string_view phrase, const StemFn& stem) const;

  const Vocabulary* vocabulary_;
  const Synonyms* synonyms_;
  const language::Lexicon* lexicon_;
};

}  // namespace guidechat::knowledge
