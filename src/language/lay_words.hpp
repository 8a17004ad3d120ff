// Product-wide lay words: for a word or two-word phrase people may type, the
// words English uses for the same thing ("racket": noise; "torch":
// flashlight) and, for nouns, the broader words above it ("espresso":
// coffee). Read from lang/lay-synonyms.txt, generated from WordNet by
// tool/make-wordnet-synonyms.py, so that search knows lay words no guide's
// synonyms.txt lists. A guide's own synonyms come first; these only help
// with words the guide does not use.
//
// Thread-safety: immutable after from_text(); const methods are safe from
// any thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace guidechat::language {

// A lay word's alternatives, most frequent sense first.
struct LayAlternatives {
  std::vector<std::string> synonyms;  // same meaning
  std::vector<std::string> broader;   // a noun's direct hypernyms
};

class LayWords {
 public:
  // The file's text: "word-or-phrase<TAB>synonyms<TAB>broader" lines, both
  // lists comma-separated; '#' lines are comments.
  static LayWords from_text(std::string text);

  // The alternatives of a folded word or phrase (words joined by single
  // spaces); an inflected last word is also looked up by its base form
  // ("whines", "humming", "torches"). False when the list has none.
  bool lookup(std::string_view phrase, LayAlternatives* out) const;
  // Whether some two-word phrase of the list starts with `word`.
  bool starts_phrase(std::string_view word) const { return phrase_starts_.contains(word); }
  std::size_t size() const { return entries_.size(); }

 private:
  std::string_view find(std::string_view phrase) const;

  // Heap-held, so that the views below stay valid when a LayWords moves.
  std::unique_ptr<const std::string> text_;
  std::unordered_map<std::string_view, std::string_view> entries_;  // -> "synonyms\tbroader"
  std::unordered_set<std::string_view> phrase_starts_;
};

}  // namespace guidechat::language
