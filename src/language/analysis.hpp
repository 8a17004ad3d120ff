// The one analysis of a message: words in sentences and clauses
// (tokens.hpp), the concepts they name (concepts.hpp), each with its
// context — negated, hypothetical, historical, about an animal or a story —
// and the amounts of time they give ("for three hours", "since last
// night"). The safety layer, and in time search, routing and flows, read a
// message through this. Pure and data-driven; explain() shows how a message
// was read (for `guidechat ask --explain`; never logged).
//
// Thread-safety: an Analyzer is immutable after build(); analyze() is const
// and safe from any number of threads.
#pragma once

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/result.hpp"
#include "language/concepts.hpp"
#include "language/lexicon.hpp"
#include "language/tokens.hpp"

namespace guidechat::language {

using ConceptId = int;
inline constexpr ConceptId kNoConcept = -1;

// Where something was said, and how.
struct Context {
  bool negated = false;       // "no trouble speaking"
  bool hypothetical = false;  // "could it ever stop me talking?"
  bool conditional = false;   // "if he can't breathe, ..."
  bool historical = false;    // "had a seizure as a kid"
  bool non_human = false;     // "my dog's face twitches"

  // Said of a person, as happening: neither negated, imagined, past nor
  // about an animal.
  bool asserted() const {
    return !negated && !hypothetical && !conditional && !historical && !non_human;
  }
};

struct Mention {
  ConceptId concept_id = kNoConcept;
  std::size_t begin = 0;  // first token
  std::size_t end = 0;    // one past the last token
  int sentence = 0;
  int clause = 0;       // of its first word
  int last_clause = 0;  // of its last word ("on | and off" spans a clause word)
  Context context;
};

struct Duration {
  double minutes = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
  int sentence = 0;
  int clause = 0;
  Context context;
};

struct Analysis {
  Tokens tokens;
  std::vector<Mention> mentions;  // meanings only, in message order
  std::vector<Duration> durations;
  std::vector<Mention> triggers;  // the context words found (for explain)
};

class Analyzer {
 public:
  // Compiles the product's language data plus `extra` concepts (a clinic's
  // or a guide's; an id already known adds words to that concept). The
  // lexicon (may be null) tells real English words from typos.
  static Result<std::shared_ptr<const Analyzer>> build(const LanguageData& data,
                                                       const std::vector<ConceptDef>& extra,
                                                       std::shared_ptr<const Lexicon> lexicon);

  Analysis analyze(std::string_view text) const;
  // The same, for words already split by this grammar (the analysis of a
  // message reused with other concepts: a typed answer's options).
  Analysis analyze(Tokens tokens) const;

  // Whether a message reads as written in another language: of its words
  // (numbers aside), at least kMinForeignWords and fewer than half are
  // English. Emergencies in common languages are still read by the concepts.
  bool foreign_language(const Tokens& tokens) const;

  // The id of a concept by name, or kNoConcept.
  ConceptId find(std::string_view name) const;
  const std::string& name(ConceptId id) const { return concepts_[static_cast<std::size_t>(id)].id; }
  // Whether a sentence starting with `word` asks something ("how", "can").
  bool question_word(std::string_view word) const {
    return data_.grammar.question_words.count(std::string(word)) > 0;
  }
  // The words to search for what a concept asks about (may be empty).
  const std::vector<std::string>& search_words(ConceptId id) const {
    return concepts_[static_cast<std::size_t>(id)].search;
  }
  std::size_t size() const { return concepts_.size(); }

  // How `analysis` was read: sentences, concepts with their context,
  // durations. For people debugging the data; holds the message's words.
  std::string explain(const Analysis& analysis) const;

 private:
  struct Item;
  struct Term;
  struct Concept {
    std::string id;
    Role role = Role::kMeaning;
    bool question_only = false;
    std::vector<std::string> search;
  };

  Analyzer() = default;
  Status add_term(ConceptId concept_id, const std::string& phrase);
  bool typo_eligible(const Token& t) const;
  bool item_matches(const Item& item, const Token& t, bool typo_ok) const;
  std::size_t match_length(const Term& term, const Tokens& tokens, std::size_t at,
                           bool typo_ok) const;
  void spot(const Tokens& tokens, std::vector<Mention>* found) const;
  void read_durations(const Tokens& tokens, std::vector<Duration>* out) const;
  void mark_others_stories(Analysis* a) const;
  Context context_of(const Tokens& tokens, const std::vector<Mention>& triggers,
                     const std::vector<bool>& person_at, std::size_t begin, std::size_t end) const;

  LanguageData data_;
  std::shared_ptr<const Lexicon> lexicon_;
  std::vector<Concept> concepts_;
  std::vector<Term> terms_;
  // Candidate terms by their first word: its stem, its exact form, a word
  // of its class; and (typo tolerance) by the first letter of its stem.
  std::unordered_map<std::string, std::vector<std::size_t>> by_stem_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_word_;
  std::unordered_map<char, std::vector<std::size_t>> by_letter_;
  // Durations: stems of the unit words; first words of the fixed phrases.
  std::unordered_map<std::string, double> unit_stems_;
  std::unordered_set<std::string> duration_starts_;
  // The writer's own words ("I", "my"): one between an animal and a sign
  // makes the sign a person's again.
  ConceptId self_ = kNoConcept;
  // Someone else ("my neighbour") and the writer's own set against them
  // ("mine is just..."): the story is theirs.
  ConceptId third_party_ = kNoConcept;
  ConceptId contrast_ = kNoConcept;
};

}  // namespace guidechat::language
