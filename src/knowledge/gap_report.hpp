// Content-gap report (opt-in: `guidechat serve --gap-report FILE`): what
// patients ask that the guides do not cover, so clinic staff know what to
// add to knowledge/. It counts people, not messages, and stores no patient's
// words:
//
//  - A fallback question's group is at most limits::kGapMaxKeyWords of its
//    rarest words that are English (lang/english-words.txt), not only a name
//    (lang/english-names.txt), not everyday words (the lexicon), and that the
//    guides do not cover (Index::covers: the index's own stems and
//    synonyms). Words the language does not know (names, handles, typos) are
//    dropped, and so is every whitespace-separated chunk holding a digit, an
//    '@', a web address or a dot inside a word ("jo.bloggs"), and capitalised
//    words inside a sentence. A group holds letters a-z and spaces only.
//  - A group counts distinct conversations: each one and each client address
//    adds at most once to a group. Who asked is kept only in memory, as a
//    keyed hash (HMAC-SHA256 under a random key made at start-up, never
//    stored), so the ids cannot be turned back into addresses.
//  - An address may start at most limits::kGapMaxNewGroupsPerAddress groups
//    per limits::kGapAddressWindow; a full table forgets its least-counted
//    group (the oldest among equals) to make room, so a flood neither fills
//    the table for good nor plants a group.
//  - A group reaches the file only once limits::kGapMinConversations
//    conversations shared it.
//
// File (JSON, mode 0600, rewritten atomically every limits::kGapFlushInterval
// and on flush()): {"format":"guidechat-gaps","version":1,"since":"YYYY-MM-DD",
// "fallbacks":N,"groups":{"acupuncture":5,"hypnotherapy yoga":3}} — N counts
// fallback questions; a group's count is conversations. `guidechat gaps
// FILE...` reads and adds up such files.
//
// Thread-safety: every method of GapReport is safe from any thread (one
// mutex; key words are found outside it). GapTotals is a plain value.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/limits.hpp"
#include "common/result.hpp"
#include "knowledge/index.hpp"

namespace guidechat::knowledge {

// The counts of one or more report files.
struct GapTotals {
  std::string since;                            // earliest "since" day of the files
  std::uint64_t fallbacks = 0;                  // every fallback question recorded
  std::map<std::string, std::uint64_t> groups;  // key words -> conversations; "" = guide words only

  // Reads one report file; fails with the file name on a missing, unreadable
  // or malformed file. Groups holding anything but letters a-z and spaces (a
  // file edited by hand) are left out.
  static Result<GapTotals> read(const std::filesystem::path& file);
  // Adds another file's counts to these.
  void merge(const GapTotals& other);
  // Groups with at least `min_count` conversations, most first (ties by
  // words), at most `n`.
  std::vector<std::pair<std::string, std::uint64_t>> top(std::size_t n,
                                                         std::uint64_t min_count) const;
};

// A group's words as safe to print on a terminal: letters, digits, spaces
// and punctuation as they are, every other byte as \xNN.
std::string printable_group(std::string_view words);

class GapReport {
 public:
  struct Options {
    std::size_t min_count = limits::kGapMinConversations;
    std::chrono::seconds flush_interval = limits::kGapFlushInterval;
    std::size_t max_groups = limits::kGapMaxGroups;
  };

  // Who asked: any strings that tell conversations and client addresses
  // apart (the report hashes them with its key and keeps only the hashes).
  struct Asker {
    std::string_view conversation;
    std::string_view address;
  };

  // Continues the counts in `file` if it exists (fails if it is malformed,
  // rather than overwrite it) and writes it once, so that an unwritable path
  // fails at start-up instead of silently later.
  static Result<std::unique_ptr<GapReport>> open(const std::filesystem::path& file,
                                                 std::shared_ptr<const Index> index,
                                                 Options options);
  static Result<std::unique_ptr<GapReport>> open(const std::filesystem::path& file,
                                                 std::shared_ptr<const Index> index) {
    return open(file, std::move(index), Options{});
  }
  ~GapReport();  // flushes
  GapReport(const GapReport&) = delete;
  GapReport& operator=(const GapReport&) = delete;

  // After a content reload: what counts as "the guides already say it".
  void set_index(std::shared_ptr<const Index> index);

  // One question that got a fallback.
  void record(std::string_view question, const Asker& asker);

  // The group of a question: at most limits::kGapMaxKeyWords words, sorted.
  std::vector<std::string> key_words(std::string_view question) const;

  // Writes the file now (atomically: a temporary file, then rename).
  Status flush();
  // What the file would hold now.
  GapTotals totals() const;

 private:
  using Tag = std::uint64_t;  // a keyed hash of a conversation or address
  struct Group {
    std::uint64_t count = 0;         // conversations
    std::uint64_t created = 0;       // order of creation, for eviction
    std::vector<Tag> conversations;  // the latest few that added to it
    std::vector<Tag> addresses;      // ... and their addresses
  };

  GapReport(std::filesystem::path file, Options options);
  Tag tag(std::string_view id) const;
  bool may_start_group(Tag address, std::chrono::steady_clock::time_point now);
  void evict_one();
  void count(Group* group, Tag conversation, Tag address);
  Status flush_locked();
  std::shared_ptr<const Index> index() const;

  const std::filesystem::path file_;
  const Options options_;
  std::array<unsigned char, 32> key_{};  // HMAC key, random, never stored
  mutable std::mutex mu_;
  std::shared_ptr<const Index> index_;   // guarded by mu_
  std::string since_;                    // guarded by mu_
  std::uint64_t fallbacks_ = 0;          // guarded by mu_
  std::map<std::string, Group> groups_;  // guarded by mu_
  std::uint64_t created_ = 0;            // guarded by mu_
  // Groups each address started in the current window; guarded by mu_.
  std::unordered_map<Tag, std::size_t> starts_;
  std::chrono::steady_clock::time_point window_start_;  // guarded by mu_
  bool dirty_ = false;                                  // guarded by mu_
  std::chrono::steady_clock::time_point last_flush_;    // guarded by mu_
};

}  // namespace guidechat::knowledge
