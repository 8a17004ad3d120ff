// Small text helpers shared by search and the dialog engine: UTF-8
// validation, case folding and word splitting for English free text, and
// edit distance for typo tolerance.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace guidechat::text {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool valid_utf8(std::string_view s);
// The length of the well-formed UTF-8 sequence at s[at] (1 for ASCII), or 0
// when the bytes there are not one. `at` < s.size().
std::size_t utf8_sequence(std::string_view s, std::size_t at);

// Lower-cases ASCII letters, maps typographic apostrophes to "'", and turns
// every other non-letter/digit byte (punctuation, control characters,
// symbols, emoji) into a space. Non-ASCII letters are kept as they are.
std::string fold(std::string_view s);
// fold(s) appended to *out, so a caller folding many pieces reuses one buffer.
void fold_append(std::string_view s, std::string* out);

// Splits folded text into words: runs of letters, digits and inner
// apostrophes ("doesn't", "bell's"). Apostrophes at either end are dropped.
std::vector<std::string> words(std::string_view s);

// Calls f(word) for each word of already folded text, split as words()
// splits it; the views point into `folded`. Allocates nothing.
template <typename F>
void for_each_word(std::string_view folded, F&& f) {
  std::size_t i = 0;
  while (i < folded.size()) {
    if (folded[i] == ' ') {
      ++i;
      continue;
    }
    std::size_t end = folded.find(' ', i);
    if (end == std::string_view::npos) end = folded.size();
    std::string_view w = folded.substr(i, end - i);
    while (!w.empty() && w.back() == '\'') w.remove_suffix(1);
    while (!w.empty() && w.front() == '\'') w.remove_prefix(1);
    if (!w.empty()) f(w);
    i = end;
  }
}

// Damerau-Levenshtein (optimal string alignment) distance, giving up early
// and returning `limit + 1` once the distance must exceed `limit`.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit);

// Cuts `s` to at most `max_bytes` without splitting a UTF-8 sequence.
std::string_view truncate_utf8(std::string_view s, std::size_t max_bytes);

// Trims ASCII whitespace at both ends.
std::string_view trim(std::string_view s);

// Lets string-keyed unordered maps and sets be searched with a string_view,
// without a copy (with std::equal_to<> as their key equality).
struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace guidechat::text
