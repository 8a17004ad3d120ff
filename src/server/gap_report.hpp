// Content-gap report (opt-in: `guidechat serve --gap-report FILE`): what
// patients ask that the guide does not cover, so clinic staff know what to
// add to knowledge/. For each question answered with a `fallback`, only its
// key words are kept - the words left after dropping stop words, everything
// the guide already says, numbers, e-mail and web addresses and capitalised
// words inside a sentence (names, places) - and only the rarest few of those
// form its group. Nothing else about the question, the person or the time is
// kept. A group reaches the file only once limits::kGapMinCount questions
// shared it, so a word only one person used is never stored.
//
// File (JSON, rewritten atomically every limits::kGapFlushInterval and on
// flush()): {"format":"guidechat-gaps","version":1,"since":"YYYY-MM-DD",
// "fallbacks":N,"groups":{"acupuncture":5,"botox injection":3}}.
// `guidechat gaps FILE...` reads and adds up such files.
//
// Thread-safety: every method of GapReport is safe from any thread (one
// mutex; key words are found outside it). GapTotals is a plain value.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/limits.hpp"
#include "common/result.hpp"
#include "knowledge/knowledge_base.hpp"

namespace guidechat::server {

// The counts of one or more report files.
struct GapTotals {
  std::string since;                            // earliest "since" day of the files
  std::uint64_t fallbacks = 0;                  // every fallback question recorded
  std::map<std::string, std::uint64_t> groups;  // key words -> questions; "" = guide words only

  // Reads one report file; fails with the file name on a missing, unreadable
  // or malformed file.
  static Result<GapTotals> read(const std::filesystem::path& file);
  // Adds another file's counts to these.
  void merge(const GapTotals& other);
  // Groups with at least `min_count` questions, most asked first (ties by
  // words), at most `n`.
  std::vector<std::pair<std::string, std::uint64_t>> top(std::size_t n,
                                                         std::uint64_t min_count) const;
};

class GapReport {
 public:
  struct Options {
    std::size_t min_count = limits::kGapMinCount;
    std::chrono::seconds flush_interval = limits::kGapFlushInterval;
  };

  // Continues the counts in `file` if it exists (fails if it is malformed,
  // rather than overwrite it) and writes it once, so that an unwritable path
  // fails at start-up instead of silently later.
  static Result<std::unique_ptr<GapReport>> open(const std::filesystem::path& file,
                                                 std::shared_ptr<const knowledge::KnowledgeBase> kb,
                                                 Options options);
  static Result<std::unique_ptr<GapReport>> open(
      const std::filesystem::path& file, std::shared_ptr<const knowledge::KnowledgeBase> kb) {
    return open(file, std::move(kb), Options{});
  }
  ~GapReport();  // flushes
  GapReport(const GapReport&) = delete;
  GapReport& operator=(const GapReport&) = delete;

  // After a content reload: what counts as "the guide already says it".
  void set_knowledge(std::shared_ptr<const knowledge::KnowledgeBase> kb);

  // One question that got a fallback.
  void record(std::string_view question);
  // One client frame whose reply held a fallback: counted when it is a `say`
  // (the server has the frame, not the parsed message, at hand).
  void record_frame(std::string_view client_frame);

  // The group of a question: at most limits::kGapMaxKeyWords words, sorted.
  std::vector<std::string> key_words(std::string_view question) const;

  // Writes the file now (atomically: a temporary file, then rename).
  Status flush();
  // What the file would hold now.
  GapTotals totals() const;

  struct Vocabulary;

 private:
  GapReport(std::filesystem::path file, Options options);
  Status flush_locked();
  std::shared_ptr<const Vocabulary> vocabulary() const;

  const std::filesystem::path file_;
  const Options options_;
  mutable std::mutex mu_;
  std::shared_ptr<const Vocabulary> vocabulary_;      // guarded by mu_
  GapTotals totals_;                                  // guarded by mu_ (all counts)
  bool dirty_ = false;                                // guarded by mu_
  std::chrono::steady_clock::time_point last_flush_;  // guarded by mu_
};

}  // namespace guidechat::server
