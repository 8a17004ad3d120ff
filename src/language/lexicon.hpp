// What the product knows about English apart from any guide, kept in the
// language directory (lang/, apart from the clinic's guides): the everyday
// words that carry no topic ("how", "should", "my", "mum", "really": ignored
// when judging what a question is about; everyday-words.txt) and how common
// each English word is (english-words.txt, generated from SCOWL),
// so that a real word is never "corrected" as a typo and a rare word weighs
// more than a common one.
//
// Thread-safety: immutable after load(); const methods are safe from any
// thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/result.hpp"
#include "common/text.hpp"

namespace guidechat::language {

// The product's language directory: $GUIDECHAT_LANG, else lang/ of the
// installed data.
std::filesystem::path default_lang_dir();

class Lexicon {
 public:
  // Reads both files from the language directory; a missing file leaves its
  // part empty (search then works with less help), an unreadable one fails.
  static Result<Lexicon> load(const std::filesystem::path& dir);
  // For tests: the lists as text in the same formats.
  static Lexicon from_text(std::string_view everyday, std::string english);

  Lexicon() = default;
  // Moves only: the word table views the text it was read from.
  Lexicon(Lexicon&&) = default;
  Lexicon& operator=(Lexicon&&) = default;
  Lexicon(const Lexicon&) = delete;
  Lexicon& operator=(const Lexicon&) = delete;

  bool everyday(std::string_view word) const;
  // SCOWL size class (10 = among the most common ... 60); 0 when unknown.
  int word_class(std::string_view word) const;
  const std::unordered_set<std::string, text::StringHash, std::equal_to<>>& everyday_words() const {
    return everyday_;
  }

 private:
  std::unordered_set<std::string, text::StringHash, std::equal_to<>> everyday_;
  std::string english_;  // "word class\n" lines, sorted bytewise
  // Each word of english_ (a view of it) and its class: looked up for every
  // word of every message, so a hash, not a search of the text.
  std::unordered_map<std::string_view, std::uint8_t> classes_;
};

}  // namespace guidechat::language
