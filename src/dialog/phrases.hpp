// Phrase spotting in typed text, shared by answer matching, red flags and
// routing: text becomes words grouped in clauses ("no pain, but he can't
// chew" is two clauses), phrases are word sequences matched longest first
// with a little typo tolerance, and each hit knows whether a negator ("no",
// "doesn't", "never", ...) stands shortly before it in the same clause.
//
// Thread-safety: a PhraseSet is immutable after construction; find() is
// const and safe from any thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace guidechat::dialog {

// A typed word with its hash, computed once per turn: the phrase sets and
// word lists a turn consults (red flags, answers, routing) look it up
// without hashing it again.
struct WordKey {
  std::string_view text;
  std::size_t hash;
};

// Hash and equality for word sets and maps that can be searched by WordKey.
struct WordHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  std::size_t operator()(const WordKey& k) const { return k.hash; }
};
struct WordEqual {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  bool operator()(const WordKey& a, std::string_view b) const { return a.text == b; }
  bool operator()(std::string_view a, const WordKey& b) const { return a == b.text; }
};
using WordSet = std::unordered_set<std::string, WordHash, WordEqual>;

struct Tokens {
  std::vector<std::string> words;
  std::vector<std::size_t> hashes;  // WordHash of each word
  std::vector<int> clause;          // clause number of each word
  bool question = false;            // has a '?' (question words are judged by the router)

  WordKey key(std::size_t i) const { return {words[i], hashes[i]}; }
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
  // Whether by_typo_key_ may hold typo_key(first, length): most typed words
  // have no bucket, and this skips their lookups.
  bool may_have_typo_key(char first, std::size_t length) const {
    return (typo_lengths_[static_cast<unsigned char>(first)] >> std::min<std::size_t>(length, 63)) &
           1;
  }

  std::vector<Phrase> phrases_;
  // Candidates by first word, so a scan looks at a handful of phrases per
  // word instead of all of them: exact first words, and (for typo
  // tolerance) first letter + length of first words long enough for it.
  std::unordered_map<std::string, std::vector<std::size_t>, WordHash, WordEqual> by_first_;
  std::unordered_map<std::uint32_t, std::vector<std::size_t>> by_typo_key_;
  // By first byte: bit min(length, 63) set for each by_typo_key_ bucket.
  std::array<std::uint64_t, 256> typo_lengths_{};
  WordSet negators_;
};

// How many words before a phrase a negator still applies to it.
inline constexpr std::size_t kNegationWindow = 4;

}  // namespace guidechat::dialog
