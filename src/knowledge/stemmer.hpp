// The index's own stemmer: FTS5's "porter" tokenizer, called directly, so a
// word of a question is reduced exactly as the index reduced the guide
// ("twitches", "twitching" -> "twitch").
//
// Thread-safety: one Stemmer per connection and thread; not shared.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.hpp"

struct sqlite3;

namespace guidechat::knowledge {

class Stemmer {
 public:
  // `db` must outlive the Stemmer.
  static Result<std::unique_ptr<Stemmer>> open(sqlite3* db);
  ~Stemmer();
  Stemmer(const Stemmer&) = delete;
  Stemmer& operator=(const Stemmer&) = delete;

  // The first token of `word` as the index stores it; empty when none.
  std::string stem(std::string_view word) const;
  // Every token of `text`, in order, as the index stores them, with where
  // it was in `text` (byte offsets of the word as written).
  using TokenFn = std::function<void(std::string_view token, std::size_t start, std::size_t end)>;
  void each(std::string_view text, const TokenFn& fn) const;

 private:
  Stemmer() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace guidechat::knowledge
