// Phrase spotting in typed text, shared by answer matching, red flags and
// routing: text becomes words grouped in clauses ("no pain, but he can't
// chew" is two clauses), phrases are word sequences matched longest first
// with a little typo tolerance, and each hit knows whether a negator ("no",
// "doesn't", "never", ...) stands shortly before it in the same clause.
//
// Thread-safety: a PhraseSet is immutable after construction; find() is
// const and safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/text.hpp"

namespace guidechat::dialog {

// A set of words (negators, clause breaks, ...).
class WordSet {
 public:
  WordSet() = default;
  template <typename It>
  WordSet(It begin, It end) : words_(begin, end) {}
  explicit WordSet(const std::vector<std::string>& words) : WordSet(words.begin(), words.end()) {}
  bool contains(std::string_view word) const { return words_.find(word) != words_.end(); }

 private:
  std::unordered_set<std::string, text::StringHash, std::equal_to<>> words_;
};

struct Tokens {
  std::vector<std::string> words;
  std::vector<int> clause;  // clause number of each word
  bool question = false;    // has a '?' (question words are judged by the router)
};

// Splits `text` into words and clauses: punctuation and the `breaks` words
// ("but", "and", ...) start a new clause.
Tokens tokenize(std::string_view text, const WordSet& breaks);

struct PhraseHit {
  int tag = 0;            // what the phrase stands for (caller's numbering)
  std::size_t start = 0;  // first word
  std::size_t length = 0;
  bool negated = false;
};

class PhraseSet {
 public:
  PhraseSet() = default;
  explicit PhraseSet(WordSet negators) : negators_(std::move(negators)) {}

  // Adds a phrase (folded and split into words); empty phrases are ignored.
  void add(std::string_view phrase, int tag);
  bool empty() const { return phrases_.empty(); }

  // Non-overlapping hits, left to right, the longest phrase winning at each
  // position.
  std::vector<PhraseHit> find(const Tokens& tokens) const;

 private:
  struct Phrase {
    std::vector<std::string> words;
    int tag;
    bool starts_negated;  // "no pain", "doesn't hurt": the negation is the meaning
  };
  bool match_at(const Tokens& t, std::size_t pos, const Phrase& p) const;
  bool negated_at(const Tokens& t, std::size_t pos) const;
  // Bucket of phrases whose first word may match a typo'd `word`.
  static std::uint32_t typo_key(char first, std::size_t length);

  std::vector<Phrase> phrases_;
  // Candidates by first word, so a scan looks at a handful of phrases per
  // word instead of all of them: exact first words, and (for typo
  // tolerance) first letter + length of first words long enough for it.
  std::unordered_map<std::string, std::vector<std::size_t>, text::StringHash, std::equal_to<>>
      by_first_;
  std::unordered_map<std::uint32_t, std::vector<std::size_t>> by_typo_key_;
  WordSet negators_;
};

// How many words before a phrase a negator still applies to it.
inline constexpr std::size_t kNegationWindow = 4;

}  // namespace guidechat::dialog
