// Typo correction against the words search knows (the guide's own words, the
// left sides of synonym rules, everyday words): a word nobody would mean as
// typed goes to the closest known word within a small edit distance, so
// "docter", "simptoms", "spsam" and "excercises" still find their passage.
//
// Thread-safety: immutable after finish(); correct() is const and safe from
// any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace guidechat::knowledge {

class Speller {
 public:
  // A word it may correct to; `weight` breaks ties (e.g. how often it occurs).
  void add(std::string_view word, int weight);
  // Call once after the last add().
  void finish();

  // Edits allowed for a word of this length: none below 3 letters, one up to
  // 6, two from 7 on.
  static std::size_t max_edits(std::size_t length);

  // The closest known word within `max_edits` (capped by max_edits(length)),
  // ties to the heavier one, then alphabetically; empty when none is close.
  std::string correct(std::string_view word, std::size_t max_edits) const;
  std::string correct(std::string_view word) const { return correct(word, 2); }

  bool knows(std::string_view word) const;
  std::size_t size() const { return weights_.size(); }

 private:
  // Which letters `word` has, as bits (other bytes share six more bits).
  static std::uint32_t letter_mask(std::string_view word);

  std::unordered_map<std::string, int> weights_;
  std::vector<std::vector<std::string>> by_length_;          // candidates by byte length
  std::vector<std::vector<std::uint32_t>> masks_by_length_;  // their letter_mask()s
};

}  // namespace guidechat::knowledge
