// Full-text search over the guide's passages: an SQLite FTS5 index (porter
// stemmer, headings weighted above body text), lay-word synonyms, typo
// correction against the index's own vocabulary, safe query building (user
// text never reaches MATCH raw) and a calibrated 0..1 score with a threshold
// that separates questions the guide covers from those it does not.
//
// Thread-safety: build() once; search() is const and safe to call from any
// number of threads at once: the index is built, serialized once, and each
// thread opens its own read-only connection on that image at its first
// search (kept per thread and index; a thread drops the connections of
// indexes that no longer exist at its next search). Each connection also
// keeps a bounded cache of recent results by analysed query (topic words,
// never the text typed), so a question asked again in other words skips
// FTS5 and ranking; it goes with the connection, so a reload never serves
// stale results.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/limits.hpp"
#include "common/result.hpp"
#include "knowledge/knowledge_base.hpp"

namespace guidechat::knowledge {

struct Hit {
  const Section* section = nullptr;
  std::string text;    // the passage, at most limits::kMaxPassageChars
  double score = 0.0;  // 0..1, comparable across queries
};

// How well one guide holds a question's topic words.
struct GuideFit {
  std::string guide;  // the guide's id
  double share = 0;   // 0..1: of the topic weight that the guide holds
};

struct SearchResult {
  std::vector<Hit> hits;                 // best first; empty when nothing matched
  double confidence = 0.0;               // 0..1 that the guide covers the question
  bool in_scope = false;                 // confidence >= threshold
  std::vector<std::string> suggestions;  // what the guide does cover (for fallbacks)
};

class Index {
 public:
  struct Options {
    std::string db_path;  // empty: in memory; else the index is also written there
    // Results cached per thread (up to twice this many); 0: no cache.
    std::size_t cache_entries = limits::kSearchCacheEntries;
    // Internal: index only this guide's sections (empty: every guide).
    std::string guide;
  };

  // Searches answered from the cache and not, over all threads, since
  // build(); explain() and an index without a cache count in neither.
  struct CacheStats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
  };

  static Result<std::shared_ptr<const Index>> build(std::shared_ptr<const KnowledgeBase> kb,
                                                    const Options& options);
  virtual ~Index() = default;

  // With several guides, search() goes to the guide(s) the question fits
  // best (guides_for) and each is ranked on its own, as if it were loaded
  // alone; search_in() searches one guide ("" or an unknown id: all).
  virtual SearchResult search(std::string_view question, std::size_t max_hits = 3) const = 0;
  virtual SearchResult search_in(std::string_view guide, std::string_view question,
                                 std::size_t max_hits = 3) const = 0;
  virtual double threshold() const = 0;
  // Every guide, best fit first, by the question's own topic words (no
  // hints added): "does caffeine make the ringing worse" fits a tinnitus
  // guide only; "what are the treatments" fits each guide with a
  // treatment section alike.
  virtual std::vector<GuideFit> guides_for(std::string_view question) const = 0;
  // How search understood a question (topic words after typo correction and
  // synonyms, weights, coverage), for `guidechat ask --explain`. Never logged.
  virtual std::string explain(std::string_view question) const = 0;
  virtual const KnowledgeBase& knowledge() const = 0;
  // Whether the guides use `word` (a form of it, or a word it is a lay
  // synonym of): "eyelid" yes, "calf" no. How scope tells a question about
  // another body part or condition from one about the guides' own.
  virtual bool covers(std::string_view word) const = 0;
  // What the guides cover (section titles), offered when a question is
  // refused without a search.
  virtual std::vector<std::string> topics() const = 0;
  virtual CacheStats cache_stats() const = 0;
};

}  // namespace guidechat::knowledge
