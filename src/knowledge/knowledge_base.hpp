// The loaded knowledge: every guide in a directory (`*.md`, sorted by name)
// plus the lay-word synonyms (`synonyms.txt`) and the product's language
// data (`lang/`: English words, concepts for the message analysis). Immutable once loaded, so one
// instance is shared by every thread and every session.
//
// Thread-safety: immutable after load(); all methods are const and safe to
// call concurrently.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"
#include "knowledge/guide.hpp"
#include "knowledge/synonyms.hpp"
#include "language/concepts.hpp"
#include "language/lexicon.hpp"

namespace guidechat::knowledge {

// Everyday and English words: the language layer's, shared with the message
// analysis.
using language::Lexicon;

class KnowledgeBase {
 public:
  // Fails (with file and line) on unreadable files, no guides, or any
  // finding of parse_guide. Each guide is its own namespace of section ids.
  // The product's language (English words, concepts) comes from `lang_dir`.
  static Result<std::shared_ptr<const KnowledgeBase>> load(
      const std::filesystem::path& dir,
      const std::filesystem::path& lang_dir = language::default_lang_dir());

  // Every problem in the directory, for `guidechat check`; empty when clean.
  static std::vector<Finding> check(
      const std::filesystem::path& dir,
      const std::filesystem::path& lang_dir = language::default_lang_dir());

  const std::vector<Guide>& guides() const { return guides_; }
  // A section by "guide/section", or by a bare section id that only one
  // guide has; nullptr when none (or several) match.
  const Section* find(std::string_view section_id) const;
  // Whether a bare section id is used by several guides (say "guide/id").
  bool ambiguous(std::string_view section_id) const;
  // nullptr when no guide has that id (the guide file's stem).
  const Guide* guide(std::string_view guide_id) const;
  // All sections of all guides, in file order.
  const std::vector<const Section*>& sections() const { return sections_; }
  const Synonyms& synonyms() const { return synonyms_; }
  // Everyday words and English word commonness (everyday-words.txt,
  // english-words.txt of the language directory); both optional.
  const Lexicon& lexicon() const { return *lexicon_; }
  std::shared_ptr<const Lexicon> shared_lexicon() const { return lexicon_; }
  // Concepts, context words and durations for the message analysis
  // (concepts.json of the language directory).
  const language::LanguageData& language() const { return language_; }

  // For tests and benchmarks: a knowledge base from guides already parsed
  // (fails on a section id used twice in one guide).
  static Result<std::shared_ptr<const KnowledgeBase>> from_guides(
      std::vector<Guide> guides, Synonyms synonyms, Lexicon lexicon,
      language::LanguageData language = {});

 private:
  std::vector<Guide> guides_;
  std::vector<const Section*> sections_;
  // "guide/section" -> section, and bare "section" -> section (nullptr when
  // several guides use it).
  std::unordered_map<std::string, const Section*> by_id_;
  Synonyms synonyms_;
  std::shared_ptr<const Lexicon> lexicon_;
  language::LanguageData language_;
};

}  // namespace guidechat::knowledge
