// Phrase spotting in typed text, shared by answer matching, red flags and
// routing: text becomes words grouped in clauses ("no pain, but he can't
// chew" is two clauses), phrases are word sequences matched longest first
// with a little typo tolerance, and each hit knows whether a negator ("no",
// "doesn't", "never", ...) stands shortly before it in the same clause.
//
// Thread-safety: a PhraseSet is immutable after construction; find() is
// const and safe from any thread.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace guidechat::dialog {

// A typed word with its hash, computed once per turn: the phrase sets and
// word lists a turn consults (red flags, answers, routing) look it up
// without hashing it again.
struct WordKey {
  std::string_view text;
  std::size_t hash;
};

// The key of `word`: the word and its hash.
inline WordKey word_key(std::string_view word) {
  return {word, std::hash<std::string_view>{}(word)};
}

// Words to values, searched by WordKey: open addressing over a power-of-two
// table of hashes, so a lookup is a mask and a compare or two. (With
// std::unordered_map, phrase spotting spent most of its time dividing by the
// prime bucket count.)
template <typename V>
class WordMap {
 public:
  // The value of `word`, added (value-initialized) when new.
  V& operator[](std::string_view word) {
    WordKey key = word_key(word);
    if (std::uint32_t e = index_of(key); e != kAbsent) return entries_[e].value;
    if ((entries_.size() + 1) * 2 > slots_.size()) grow();
    place(key.hash, static_cast<std::uint32_t>(entries_.size()));
    const std::size_t bit = filter_bit(key.hash);
    filter_[bit / 64] |= std::uint64_t{1} << (bit % 64);
    entries_.push_back({std::string(word), key.hash, V{}});
    return entries_.back().value;
  }
  const V* find(const WordKey& key) const {
    std::uint32_t e = index_of(key);
    return e != kAbsent ? &entries_[e].value : nullptr;
  }

 private:
  struct Entry {
    std::string word;
    std::size_t hash;
    V value;
  };
  struct Slot {
    std::size_t hash = 0;
    std::uint32_t entry = kAbsent;  // index into entries_
  };
  static constexpr std::uint32_t kAbsent = ~std::uint32_t{0};
  static constexpr int kFilterBits = 9;  // a 512-bit filter: one cache line

  static std::size_t filter_bit(std::size_t hash) {
    return hash >> (std::numeric_limits<std::size_t>::digits - kFilterBits);
  }
  std::uint32_t index_of(const WordKey& key) const {
    // Most typed words are in no table: the filter (hot in cache) answers
    // for most of them without touching the slots.
    const std::size_t bit = filter_bit(key.hash);
    if (((filter_[bit / 64] >> (bit % 64)) & 1) == 0) return kAbsent;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = key.hash & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.entry == kAbsent) return kAbsent;
      if (s.hash == key.hash && entries_[s.entry].word == key.text) return s.entry;
    }
  }
  void place(std::size_t hash, std::uint32_t entry) {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = hash & mask;
    while (slots_[i].entry != kAbsent) i = (i + 1) & mask;
    slots_[i] = {hash, entry};
  }
  void grow() {
    slots_.assign(std::max<std::size_t>(16, slots_.size() * 2), Slot{});
    for (std::size_t e = 0; e < entries_.size(); ++e) {
      place(entries_[e].hash, static_cast<std::uint32_t>(e));
    }
  }

  std::vector<Slot> slots_;  // power-of-two size, at most half full
  std::vector<Entry> entries_;
  // Bit filter_bit(hash) set for each word's hash.
  std::array<std::uint64_t, (std::size_t{1} << kFilterBits) / 64> filter_{};
};

// A set of words (negators, clause breaks, ...), searched by WordKey.
class WordSet {
 public:
  WordSet() = default;
  template <typename It>
  WordSet(It begin, It end) {
    for (; begin != end; ++begin) words_[*begin] = true;
  }
  explicit WordSet(const std::vector<std::string>& words) : WordSet(words.begin(), words.end()) {}
  bool contains(const WordKey& key) const { return words_.find(key) != nullptr; }
  bool contains(std::string_view word) const { return contains(word_key(word)); }

 private:
  WordMap<bool> words_;
};

struct Tokens {
  std::vector<std::string> words;
  std::vector<std::size_t> hashes;  // word_key(word).hash of each word
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
  // Whether typo_keys_ may hold typo_key(first, length): most typed words
  // have no bucket, and this skips their lookups.
  bool may_have_typo_key(char first, std::size_t length) const {
    return (typo_lengths_[static_cast<unsigned char>(first)] >> std::min<std::size_t>(length, 63)) &
           1;
  }

  std::vector<Phrase> phrases_;
  // Candidates by first word, so a scan looks at a handful of phrases per
  // word instead of all of them: exact first words, and (for typo
  // tolerance) first letter + length of first words long enough for it.
  WordMap<std::vector<std::size_t>> by_first_;
  // Typo buckets: sorted keys (a binary search over a few cache lines) and
  // the candidates of each.
  std::vector<std::uint32_t> typo_keys_;
  std::vector<std::vector<std::size_t>> by_typo_key_;
  // By first byte: bit min(length, 63) set for each typo bucket.
  std::array<std::uint64_t, 256> typo_lengths_{};
  WordSet negators_;
};

// How many words before a phrase a negator still applies to it.
inline constexpr std::size_t kNegationWindow = 4;

}  // namespace guidechat::dialog
