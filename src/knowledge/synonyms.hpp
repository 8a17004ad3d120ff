// Lay words and synonyms, kept as data (knowledge/synonyms.txt) so a clinic
// can edit them: each rule maps what people say ("physio", "twitchy",
// "muscle relaxers") to the words the guide uses ("physical therapy",
// "twitching", "muscle relaxants"). Search adds a rule's alternatives to the
// query and counts them when judging whether the guide covers a question.
//
// File format, one rule per line, '#' starts a comment:
//   physio = physical therapy
//   doc, gp = doctor
//   eyelid = eye, blinking
// Left of '=': one or more words or phrases (comma-separated) as people say
// them; right: one or more alternatives (comma-separated) as the guide says
// them. Matching ignores case and punctuation; a left side also matches its
// plural ("relaxer" matches "relaxers").
//
// Thread-safety: immutable after parse(); const methods are safe from any
// thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/result.hpp"
#include "common/text.hpp"

namespace guidechat::knowledge {

class Synonyms {
 public:
  // Fails with "file:line: message" on a malformed rule.
  static Result<Synonyms> parse(std::string_view text, std::string_view file);

  // The alternatives for a word or phrase (words already folded, joined by
  // single spaces), or nullptr when there is no rule for it.
  const std::vector<std::string>* lookup(std::string_view phrase) const;

  // Finds the longest rule matching words[start...] (words as text::words()
  // splits them); returns the number of words it covers (0: none) and sets
  // *alternatives.
  std::size_t match(const std::vector<std::string>& words, std::size_t start,
                    const std::vector<std::string>** alternatives) const;

  // Every single-word left side (typo correction may target them).
  std::vector<std::string> single_words() const;

  std::size_t size() const { return rules_.size(); }
  bool empty() const { return rules_.empty(); }

 private:
  std::unordered_map<std::string, std::vector<std::string>, text::StringHash, std::equal_to<>>
      rules_;
  std::size_t max_words_ = 0;  // longest left side, in words
  // First words of the left sides of two words or more: match() tries
  // phrases only from these (a phrase rule's first word is never a plural
  // form, which lookup() only strips from the last word).
  std::unordered_set<std::string, text::StringHash, std::equal_to<>> phrase_starts_;
};

}  // namespace guidechat::knowledge
