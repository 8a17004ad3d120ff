#include "knowledge/index.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "common/limits.hpp"
#include "common/text.hpp"
#include "knowledge/query_builder.hpp"
#include "knowledge/scope.hpp"
#include "knowledge/stemmer.hpp"

namespace guidechat::knowledge {

namespace {

constexpr const char* kCreateSql =
    "CREATE VIRTUAL TABLE passages USING fts5(title, body, tokenize = 'porter unicode61');";
// Headings weigh more than body text: a question naming a section's topic
// finds that section first.
constexpr const char* kSearchSql =
    "SELECT rowid, bm25(passages, 4.0, 1.0) AS s FROM passages WHERE passages MATCH ?1 "
    "ORDER BY s LIMIT ?2";
// When only a word found nearly everywhere is left, ranking every passage
// that holds it by bm25 would cost a scan of the index and tell nothing:
// take the first few passages whose heading, then whose text, holds it.
constexpr const char* kBroadSql =
    "SELECT rowid, bm25(passages, 4.0, 1.0) FROM passages WHERE passages MATCH ?1 LIMIT ?2";
constexpr int kBroadCandidates = 100;
// Passages fetched by bm25 before they are ranked on coverage.
constexpr int kCandidates = 20;
constexpr std::size_t kMaxSuggestions = 4;
// Weight of the synonyms' bm25 against that of the words said.
constexpr double kSynonymBm25 = 0.5;
// How a candidate passage is ranked: rank = body + kBm25Weight * bm25 +
// kTitleWeight * title + kNamedWeight * named + kPlainWeight * plain, where
//   body   share of the question's topic words (by idf) the passage holds,
//   bm25   its bm25 relative to the best candidate's,
//   title  share of the topic words (by idf) its section heading holds,
//   named  (share of the heading's words the question uses, by idf)^2,
//   plain  share of all the question's words (everyday ones too, by idf)
//          the passage holds: "see a doctor" for "when do I see a doctor".
// Body coverage leads; the others break its ties. (Chosen on the question
// set among values that all score within one question of each other.)
constexpr double kBm25Weight = 0.7;
constexpr double kTitleWeight = 0.8;
constexpr double kNamedWeight = 0.3;
constexpr double kPlainWeight = 0.4;

std::string sqlite_error(sqlite3* db, std::string_view what) {
  return std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory");
}

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;

struct StmtCloser {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtCloser>;

// The serialized database every thread opens its own connection on.
struct Image {
  unsigned char* data = nullptr;
  sqlite3_int64 size = 0;
  ~Image() { sqlite3_free(data); }
};

struct Row {
  const Section* section = nullptr;
  const std::string* text = nullptr;
  std::size_t section_index = 0;
  std::vector<StemId> stems;  // of the passage text, sorted
};

struct SectionStems {
  std::vector<StemId> title;  // sorted
  std::vector<StemId> all;    // title and text, sorted
};

// "Heel Pain (Plantar Fasciitis) – Patient Guide" -> "Heel Pain (Plantar
// Fasciitis)": what a guide is about, without what kind of text it is.
std::string_view subject_of(std::string_view title) {
  for (std::string_view mark : {" \xE2\x80\x93 ", " \xE2\x80\x94 ", " - ", ":"}) {
    title = title.substr(0, title.find(mark));
  }
  return title;
}

void sort_unique(std::vector<StemId>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

std::atomic<std::uint64_t> g_next_instance{1};

// A search's outcome before it becomes a SearchResult: passage numbers, not
// copies of the passages, so that a cached entry stays small. The rest of a
// SearchResult follows from these (see IndexImpl::result_of).
struct Ranked {
  struct RankedHit {
    std::size_t row;
    double score;
  };
  std::vector<RankedHit> hits;  // best first
  double confidence = 0.0;
};

// Recent results by cache key, in two generations: when the current one is
// full it becomes the previous one and the older entries go. A hit in the
// previous generation moves to the current one, so questions asked often
// stay. At most 2 * capacity entries.
class ResultCache {
 public:
  // The cached result for `key`, or null; valid until the next call.
  const Ranked* find(const std::string& key, std::size_t capacity) {
    if (auto it = current_.find(key); it != current_.end()) return &it->second;
    auto it = previous_.find(key);
    if (it == previous_.end()) return nullptr;
    auto node = previous_.extract(it);
    make_room(capacity);
    return &current_.insert(std::move(node)).position->second;
  }

  void insert(std::string key, Ranked ranked, std::size_t capacity) {
    make_room(capacity);
    current_.insert_or_assign(std::move(key), std::move(ranked));
  }

 private:
  void make_room(std::size_t capacity) {
    if (current_.size() < capacity) return;
    previous_ = std::move(current_);
    current_.clear();  // a moved-from map is valid but unspecified
  }

  std::unordered_map<std::string, Ranked> current_;
  std::unordered_map<std::string, Ranked> previous_;
};

// A number as its bytes: exact for doubles too (equal keys, equal inputs).
template <typename T>
void put_bytes(std::string* out, T v) {
  char bytes[sizeof v];
  std::memcpy(bytes, &v, sizeof v);
  out->append(bytes, sizeof v);
}

void put_u64(std::string* out, std::uint64_t v) {
  put_bytes(out, v);
}

void put_string(std::string* out, const std::string& s) {
  put_u64(out, s.size());
  out->append(s);
}

void put_stems(std::string* out, const std::vector<StemId>& ids) {
  put_u64(out, ids.size());
  for (StemId id : ids) put_bytes(out, id);
}

// The cache key of a search: everything of the analysis that run() reads
// past analyze() when not explaining, and max_hits (the rows fetched and
// kept), each with its length first so that no two keys run together. The
// words' spelling (typed, word, forms) is left out: only explain() shows it,
// and leaving it out keeps words the guide lacks (a name, a place) out of
// memory; the MATCH strings hold only words of the guide. Whatever else
// run() comes to read from an Analysis must be added here.
std::string cache_key(const Analysis& a, std::size_t max_hits) {
  std::string key;
  key.reserve(64 + a.match.size() + a.synonym_match.size() + 64 * a.words.size());
  put_u64(&key, max_hits);
  key.push_back(a.broad ? 'b' : 'n');
  put_string(&key, a.match);
  put_string(&key, a.synonym_match);
  put_stems(&key, a.all_stems);
  put_u64(&key, a.words.size());
  for (const QueryWord& w : a.words) {
    put_bytes(&key, w.weight);
    put_bytes(&key, w.idf);
    key.push_back(static_cast<char>((w.known ? 1 : 0) | (w.core ? 2 : 0)));
    put_u64(&key, w.form_stems.size());
    for (const auto& form : w.form_stems) put_stems(&key, form);
    put_u64(&key, w.form_idf.size());
    for (double idf : w.form_idf) put_bytes(&key, idf);
  }
  return key;
}

// One thread's read-only connection to one index.
struct Connection {
  std::shared_ptr<const Image> image;  // kept alive while the connection is open
  std::weak_ptr<const void> owner;     // expires with the index
  std::uint64_t instance = 0;
  DbPtr db;
  StmtPtr search;
  StmtPtr broad;
  std::unique_ptr<Stemmer> stemmer;
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> stems;  // small cache
  ResultCache results;
};

thread_local std::vector<std::unique_ptr<Connection>> t_connections;

// Shorter words are not read as typos when judging what the guides cover
// ("calf" is not "half").
constexpr std::size_t kMinCoveredTypo = 5;

class IndexImpl final : public Index {
 public:
  explicit IndexImpl(std::shared_ptr<const KnowledgeBase> kb)
      : kb_(std::move(kb)),
        builder_(&vocabulary_, &kb_->synonyms(), &kb_->lexicon()),
        instance_(g_next_instance.fetch_add(1)),
        alive_(std::make_shared<int>(0)) {}

  Status build(const Options& options);

  SearchResult search(std::string_view question, std::size_t max_hits) const override;
  SearchResult search_in(std::string_view, std::string_view question,
                         std::size_t max_hits) const override {
    return search(question, max_hits);
  }
  double threshold() const override { return limits::kScopeThreshold; }
  std::vector<GuideFit> guides_for(std::string_view question) const override;
  std::string explain(std::string_view question) const override;
  SearchResult run(std::string_view question, std::size_t max_hits, std::string* explain) const;
  const KnowledgeBase& knowledge() const override { return *kb_; }
  bool covers(std::string_view word) const override;
  std::vector<std::string> topics() const override { return suggestions({}); }
  CacheStats cache_stats() const override {
    return {cache_hits_.load(std::memory_order_relaxed),
            cache_misses_.load(std::memory_order_relaxed)};
  }

 private:
  Connection* connection() const;
  std::vector<std::string> suggestions(const std::vector<Hit>& hits) const;
  SearchResult result_of(const Ranked& ranked) const;

  std::shared_ptr<const KnowledgeBase> kb_;
  Vocabulary vocabulary_;
  QueryBuilder builder_;
  std::vector<const Section*> sections_;  // those indexed (Options::guide)
  std::vector<Row> rows_;                 // rowid - 1
  std::vector<SectionStems> section_stems_;
  std::vector<std::pair<std::string, std::vector<StemId>>> guide_stems_;  // sorted, per guide
  std::shared_ptr<const Image> image_;
  std::uint64_t instance_;
  std::shared_ptr<const void> alive_;
  std::size_t cache_entries_ = 0;
  // Counters only (monitoring): nothing is ordered by them.
  mutable std::atomic<std::uint64_t> cache_hits_{0};
  mutable std::atomic<std::uint64_t> cache_misses_{0};
};

Status exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return Status::Fail("SQLite: " + msg);
  }
  return Status::Ok();
}

Status IndexImpl::build(const Options& options) {
  cache_entries_ = options.cache_entries;
  sqlite3* raw = nullptr;
  if (sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    DbPtr closer(raw);
    return Status::Fail(sqlite_error(raw, "cannot open an in-memory database"));
  }
  DbPtr db(raw);
  if (auto s = exec(db.get(), kCreateSql); !s) return s;
  if (auto s = exec(db.get(), "BEGIN"); !s) return s;
  sqlite3_stmt* ins_raw = nullptr;
  if (sqlite3_prepare_v2(db.get(), "INSERT INTO passages(rowid, title, body) VALUES (?1, ?2, ?3)",
                         -1, &ins_raw, nullptr) != SQLITE_OK) {
    return Status::Fail(sqlite_error(db.get(), "cannot prepare the index"));
  }
  StmtPtr insert(ins_raw);
  auto stemmer = Stemmer::open(db.get());
  if (!stemmer) return Status::Fail(stemmer.error());

  std::unordered_map<std::string, int, StringHash, std::equal_to<>> word_counts;
  for (const Section* sec : kb_->sections()) {
    if (options.guide.empty() || sec->guide == options.guide) sections_.push_back(sec);
  }
  if (sections_.empty()) return Status::Fail("no sections to index");
  const auto& sections = sections_;
  for (std::size_t si = 0; si < sections.size(); ++si) {
    const Section* sec = sections[si];
    for (const auto& p : sec->passages) {
      rows_.push_back({sec, &p.text, si, {}});
      sqlite3_bind_int64(insert.get(), 1, static_cast<sqlite3_int64>(rows_.size()));
      sqlite3_bind_text(insert.get(), 2, sec->title.data(), static_cast<int>(sec->title.size()),
                        SQLITE_STATIC);
      sqlite3_bind_text(insert.get(), 3, p.text.data(), static_cast<int>(p.text.size()),
                        SQLITE_STATIC);
      if (sqlite3_step(insert.get()) != SQLITE_DONE) {
        return Status::Fail(sqlite_error(db.get(), "cannot index " + sec->file));
      }
      sqlite3_reset(insert.get());
    }
  }
  insert.reset();
  if (auto s = exec(db.get(), "COMMIT"); !s) return s;

  // The index's vocabulary, numbered, and which stems each passage,
  // heading and section holds, for coverage. The same tokenizer as the
  // index's, so these are exactly the index's terms.
  // Texts are split at ASCII separators (always token boundaries for the
  // unicode61 tokenizer) and each distinct word is tokenized once: a corpus
  // has far fewer distinct words than words.
  struct WordInfo {
    std::vector<StemId> stems;
  };
  std::unordered_map<std::string, WordInfo, StringHash, std::equal_to<>> seen;
  std::string folded;
  auto collect = [&](std::string_view text, std::vector<StemId>* out) {
    std::size_t i = 0;
    while (i < text.size()) {
      auto is_word = [](unsigned char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c >= 0x80;
      };
      while (i < text.size() && !is_word(static_cast<unsigned char>(text[i]))) ++i;
      std::size_t start = i;
      while (i < text.size() && is_word(static_cast<unsigned char>(text[i]))) ++i;
      if (i == start) break;
      folded.assign(text.substr(start, i - start));
      for (char& c : folded) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      }
      auto it = seen.find(std::string_view(folded));
      if (it == seen.end()) {
        WordInfo info;
        (*stemmer)->each(folded, [&](std::string_view token, std::size_t, std::size_t) {
          auto st = vocabulary_.stems.find(token);
          if (st == vocabulary_.stems.end()) {
            st = vocabulary_.stems
                     .emplace(std::string(token), static_cast<StemId>(vocabulary_.stems.size()))
                     .first;
          }
          info.stems.push_back(st->second);
        });
        it = seen.emplace(folded, std::move(info)).first;
      }
      out->insert(out->end(), it->second.stems.begin(), it->second.stems.end());
      // The word as written, folded, is what typos are corrected to (not
      // when typographic punctuation such as "’" is stuck to it).
      if (folded.find("\xE2\x80") != std::string::npos) continue;
      auto wc = word_counts.find(std::string_view(folded));
      if (wc == word_counts.end()) {
        word_counts.emplace(folded, 1);
      } else {
        ++wc->second;
      }
    }
  };
  section_stems_.resize(sections.size());
  for (std::size_t si = 0; si < sections.size(); ++si) {
    collect(sections[si]->title, &section_stems_[si].title);
    sort_unique(&section_stems_[si].title);
    section_stems_[si].all = section_stems_[si].title;
  }
  std::vector<int> docs;  // passages (with their heading) holding each stem
  std::vector<StemId> both;
  for (auto& row : rows_) {
    collect(*row.text, &row.stems);
    sort_unique(&row.stems);
    auto& all = section_stems_[row.section_index].all;
    all.insert(all.end(), row.stems.begin(), row.stems.end());
    both = row.stems;
    const auto& title = section_stems_[row.section_index].title;
    both.insert(both.end(), title.begin(), title.end());
    sort_unique(&both);
    docs.resize(vocabulary_.stems.size(), 0);
    for (StemId id : both) ++docs[id];
  }
  // A guide's subject, its title before a dash or colon ("Heel Pain
  // (Plantar Fasciitis)"), is what every passage of it is about, though few
  // name it: counted as in all of them it tells none apart, as "spasm" does
  // in a guide that names it everywhere, and it is a core word.
  std::vector<StemId> subject;
  for (const auto& g : kb_->guides()) {
    std::vector<StemId> words;
    collect(subject_of(g.title), &words);
    sort_unique(&words);
    docs.resize(vocabulary_.stems.size(), 0);
    for (StemId id : words) {
      for (const auto& row : rows_) {
        const auto& title = section_stems_[row.section_index].title;
        if (row.section->guide == g.id &&
            !std::binary_search(row.stems.begin(), row.stems.end(), id) &&
            !std::binary_search(title.begin(), title.end(), id)) {
          ++docs[id];
        }
      }
      subject.push_back(id);
    }
  }
  vocabulary_.docs = docs;
  vocabulary_.passages = static_cast<int>(rows_.size());
  vocabulary_.idf.resize(docs.size());
  for (std::size_t id = 0; id < docs.size(); ++id)
    vocabulary_.idf[id] = vocabulary_.idf_of(docs[id]);
  for (auto& ss : section_stems_) sort_unique(&ss.all);
  for (const auto& g : kb_->guides()) {
    if (options.guide.empty() || g.id == options.guide) guide_stems_.push_back({g.id, {}});
  }
  for (std::size_t si = 0; si < sections.size(); ++si) {
    for (auto& [guide, stems] : guide_stems_) {
      if (guide != sections[si]->guide) continue;
      stems.insert(stems.end(), section_stems_[si].all.begin(), section_stems_[si].all.end());
    }
  }
  for (auto& gs : guide_stems_) sort_unique(&gs.second);
  // A guide's core words: in at least half of its passages ("facial",
  // "spasm"); everyday words never count.
  vocabulary_.core.assign(vocabulary_.idf.size(), false);
  {
    std::unordered_map<std::string, std::vector<const Row*>> by_guide;
    for (const auto& row : rows_) by_guide[row.section->guide].push_back(&row);
    std::unordered_set<std::string> everyday;
    for (const auto& w : kb_->lexicon().everyday_words()) everyday.insert((*stemmer)->stem(w));
    for (const auto& [guide, guide_rows] : by_guide) {
      std::vector<int> counts(vocabulary_.idf.size(), 0);
      for (const Row* r : guide_rows) {
        for (StemId id : r->stems) ++counts[id];
      }
      for (const auto& [stem, id] : vocabulary_.stems) {
        if (counts[id] * 2 >= static_cast<int>(guide_rows.size()) && guide_rows.size() >= 2 &&
            everyday.count(stem) == 0) {
          vocabulary_.core[id] = true;
        }
      }
    }
  }
  for (StemId id : subject) vocabulary_.core[id] = true;

  // Typo targets: the guide's words, synonym left sides, everyday words.
  for (const auto& [w, count] : word_counts) {
    if (w.find('\'') == std::string::npos) vocabulary_.speller.add(w, count + 1);
  }
  for (const auto& w : kb_->synonyms().single_words()) vocabulary_.speller.add(w, 1);
  for (const auto& w : kb_->lexicon().everyday_words()) {
    if (w.find('\'') == std::string::npos) vocabulary_.speller.add(w, 1);
  }
  vocabulary_.speller.finish();

  if (!options.db_path.empty()) {
    sqlite3* file_raw = nullptr;
    if (sqlite3_open_v2(options.db_path.c_str(), &file_raw,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK) {
      DbPtr closer(file_raw);
      return Status::Fail(sqlite_error(file_raw, "cannot open " + options.db_path));
    }
    DbPtr file_db(file_raw);
    sqlite3_backup* backup = sqlite3_backup_init(file_db.get(), "main", db.get(), "main");
    if (backup == nullptr) {
      return Status::Fail(sqlite_error(file_db.get(), "cannot write " + options.db_path));
    }
    int rc = sqlite3_backup_step(backup, -1);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
      return Status::Fail(sqlite_error(file_db.get(), "cannot write " + options.db_path));
    }
  }

  auto image = std::make_shared<Image>();
  image->data = sqlite3_serialize(db.get(), "main", &image->size, 0);
  if (image->data == nullptr) return Status::Fail("cannot serialize the index");
  image_ = std::move(image);
  return Status::Ok();
}

Connection* IndexImpl::connection() const {
  // Drop connections of indexes that no longer exist, find ours.
  Connection* mine = nullptr;
  auto& conns = t_connections;
  for (std::size_t i = 0; i < conns.size();) {
    if (conns[i]->owner.expired()) {
      conns[i] = std::move(conns.back());
      conns.pop_back();
      continue;
    }
    if (conns[i]->instance == instance_) mine = conns[i].get();
    ++i;
  }
  if (mine) return mine;

  auto conn = std::make_unique<Connection>();
  conn->image = image_;
  conn->owner = alive_;
  conn->instance = instance_;
  sqlite3* raw = nullptr;
  // One connection per thread: SQLite's own locking is not needed.
  if (sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK) {
    sqlite3_close_v2(raw);
    return nullptr;
  }
  conn->db.reset(raw);
  // Read-only, not resizable, not freed on close: every thread reads the one
  // immutable image, which the connection keeps alive.
  if (sqlite3_deserialize(raw, "main", image_->data, image_->size, image_->size,
                          SQLITE_DESERIALIZE_READONLY) != SQLITE_OK) {
    return nullptr;
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(raw, kSearchSql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
      SQLITE_OK) {
    return nullptr;
  }
  conn->search.reset(stmt);
  if (sqlite3_prepare_v3(raw, kBroadSql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) !=
      SQLITE_OK) {
    return nullptr;
  }
  conn->broad.reset(stmt);
  auto stemmer = Stemmer::open(raw);
  if (!stemmer) return nullptr;
  conn->stemmer = std::move(*stemmer);
  conns.push_back(std::move(conn));
  return conns.back().get();
}

std::vector<std::string> IndexImpl::suggestions(const std::vector<Hit>& hits) const {
  std::vector<std::string> out;
  auto add = [&](const Section* s) {
    if (out.size() >= kMaxSuggestions) return;
    if (std::find(out.begin(), out.end(), s->title) == out.end()) out.push_back(s->title);
  };
  for (const auto& h : hits) add(h.section);
  for (const Section* s : sections_) add(s);
  return out;
}

// A hit and a miss give the same result: both are made here.
SearchResult IndexImpl::result_of(const Ranked& ranked) const {
  SearchResult result;
  result.confidence = ranked.confidence;
  result.in_scope = result.confidence >= threshold();
  result.hits.reserve(ranked.hits.size());
  for (const auto& h : ranked.hits) {
    result.hits.push_back({rows_[h.row].section, *rows_[h.row].text, h.score});
  }
  result.suggestions = suggestions(result.hits);
  return result;
}

std::vector<GuideFit> IndexImpl::guides_for(std::string_view question) const {
  std::vector<GuideFit> fits;
  Connection* conn = connection();
  if (conn == nullptr) return fits;
  Analysis analysis =
      builder_.analyze(question, [conn](std::string_view w) { return conn->stemmer->stem(w); });
  for (const auto& [guide, stems] : guide_stems_) {
    // By topic weight, not idf: a guide's own core words ("spasm") are in
    // most of its passages, so their idf is low, yet they tell guides apart.
    fits.push_back({guide, coverage(analysis.words, stems)});
  }
  std::stable_sort(fits.begin(), fits.end(),
                   [](const GuideFit& a, const GuideFit& b) { return a.share > b.share; });
  return fits;
}

bool IndexImpl::covers(std::string_view word) const {
  Connection* conn = connection();
  if (conn == nullptr) return false;
  auto known = [&](std::string_view w) {
    StemId id;
    return vocabulary_.find(conn->stemmer->stem(w), &id);
  };
  std::string folded = text::fold(word);
  if (known(folded)) return true;
  if (const auto* alts = kb_->synonyms().lookup(folded)) {
    for (const auto& alt : *alts) {
      for (const auto& w : text::words(alt)) {
        if (known(w)) return true;
      }
    }
  }
  // "stres": a misspelling of one of the guides' words, as search reads it.
  if (folded.size() >= kMinCoveredTypo && !vocabulary_.speller.knows(folded)) {
    std::string fixed = vocabulary_.speller.correct(folded, 1);
    if (!fixed.empty() && fixed != folded) return covers(fixed);
  }
  return false;
}

std::string IndexImpl::explain(std::string_view question) const {
  std::string out;
  run(question, 5, &out);
  return out;
}

SearchResult IndexImpl::search(std::string_view question, std::size_t max_hits) const {
  return run(question, max_hits, nullptr);
}

SearchResult IndexImpl::run(std::string_view question, std::size_t max_hits,
                            std::string* explain) const {
  Connection* conn = connection();
  if (conn == nullptr) {
    SearchResult result;
    result.suggestions = suggestions({});
    return result;
  }
  auto stem = [conn](std::string_view w) -> std::string {
    auto it = conn->stems.find(w);
    if (it != conn->stems.end()) return it->second;
    std::string s = conn->stemmer->stem(w);
    if (conn->stems.size() > 4096) conn->stems.clear();
    conn->stems.emplace(std::string(w), s);
    return s;
  };
  Analysis analysis = builder_.analyze(question, stem);

  // Explaining shows the whole ranking, so it neither reads nor fills the
  // cache.
  bool cached = explain == nullptr && cache_entries_ > 0;
  std::string key;
  if (cached) {
    key = cache_key(analysis, max_hits);
    // Very long keys are not kept: they bound the cache's memory.
    cached = key.size() <= limits::kMaxSearchCacheKeyBytes;
    const Ranked* hit = cached ? conn->results.find(key, cache_entries_) : nullptr;
    if (hit != nullptr) {
      cache_hits_.fetch_add(1, std::memory_order_relaxed);
      return result_of(*hit);
    }
    cache_misses_.fetch_add(1, std::memory_order_relaxed);
  }

  struct Candidate {
    std::size_t row;
    double bm25;
    double section;  // coverage of its section
    double rank;
  };
  std::vector<Candidate> candidates;
  // bm25 of the words said, plus half that of the synonyms of words the
  // guide has (a second query, so a rare synonym cannot dominate).
  auto fetch = [&](const std::string& match, double factor, sqlite3_stmt* st, int limit) {
    if (match.empty()) return;
    sqlite3_bind_text(st, 1, match.data(), static_cast<int>(match.size()), SQLITE_STATIC);
    sqlite3_bind_int(st, 2, std::max(limit, static_cast<int>(max_hits)));
    while (sqlite3_step(st) == SQLITE_ROW) {
      auto rowid = sqlite3_column_int64(st, 0);
      if (rowid < 1 || static_cast<std::size_t>(rowid) > rows_.size()) continue;
      auto row = static_cast<std::size_t>(rowid - 1);
      double bm25 = -sqlite3_column_double(st, 1) * factor;
      auto it = std::find_if(candidates.begin(), candidates.end(),
                             [row](const Candidate& c) { return c.row == row; });
      if (it == candidates.end()) {
        candidates.push_back({row, bm25, 0, 0});
      } else {
        it->bm25 += bm25;
      }
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  };
  if (analysis.broad) {
    fetch("title : " + analysis.match, 1.0, conn->broad.get(), kBroadCandidates);
    if (candidates.size() < static_cast<std::size_t>(kCandidates)) {
      fetch(analysis.match, 1.0, conn->broad.get(), kBroadCandidates);
    }
  } else {
    fetch(analysis.match, 1.0, conn->search.get(), kCandidates);
  }
  fetch(analysis.synonym_match, kSynonymBm25, conn->search.get(), kCandidates);

  // Rank on what the passage and its section hold of the question (bm25
  // alone favours short passages that repeat one word), then bm25.
  double top_bm25 = 0;
  for (const auto& c : candidates) top_bm25 = std::max(top_bm25, c.bm25);
  double best_section = 0;
  for (auto& c : candidates) {
    const Row& row = rows_[c.row];
    const SectionStems& ss = section_stems_[row.section_index];
    c.section = coverage(analysis.words, ss.all);
    best_section = std::max(best_section, c.section);
    double body = coverage(analysis.words, row.stems, true);
    double title = coverage(analysis.words, ss.title, true);
    // Everyday words count a little here: "see a doctor" is nearer to
    // "when should I see a doctor" than "talking to a doctor".
    double named = overlap(ss.title, analysis.all_stems, vocabulary_.idf);
    named *= named;  // naming a heading in full counts, a word of it little
    double plain = overlap(analysis.all_stems, row.stems, vocabulary_.idf);
    double bm = top_bm25 > 0 ? std::clamp(c.bm25 / top_bm25, 0.0, 1.0) : 0.0;
    c.rank = body + kBm25Weight * bm + kTitleWeight * title + kNamedWeight * named +
             kPlainWeight * plain;
    if (explain) {
      char buf[200];
      std::snprintf(buf, sizeof buf,
                    "  #%zu %s: rank %.2f = body %.2f + bm25 %.2f + title %.2f + named %.2f + "
                    "plain %.2f; section coverage %.2f\n",
                    c.row + 1, row.section->id.c_str(), c.rank, body, bm, title, named, plain,
                    c.section);
      *explain += buf;
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.rank > b.rank; });
  Ranked ranked;
  ranked.confidence = candidates.empty() ? 0.0 : scope_confidence(analysis.words, best_section);
  double top_rank = candidates.empty() ? 0.0 : candidates.front().rank;
  for (const auto& c : candidates) {
    if (ranked.hits.size() >= max_hits) break;
    double rel = top_rank > 0 ? std::clamp(c.rank / top_rank, 0.0, 1.0) : 0.0;
    ranked.hits.push_back({c.row, ranked.confidence * rel});
  }
  SearchResult result = result_of(ranked);
  if (cached) conn->results.insert(std::move(key), std::move(ranked), cache_entries_);
  if (explain) {
    std::string words;
    for (const auto& w : analysis.words) {
      words += w.typed;
      if (w.word != w.typed) words += "->" + w.word;
      char buf[64];
      std::snprintf(buf, sizeof buf, " (w %.2f idf %.2f)", w.weight, w.idf);
      words += buf;
      words += w.known ? (w.core ? " core [" : w.lay ? " lay [" : " [") : " [unknown";
      for (std::size_t i = 0; i < w.forms.size(); ++i) words += (i ? ", " : "") + w.forms[i];
      words += "]\n";
    }
    char buf[120];
    std::snprintf(buf, sizeof buf, "confidence %.3f (best section %.2f), threshold %.2f\n",
                  result.confidence, best_section, threshold());
    *explain = words + "match: " + analysis.match + "\nsynonyms: " + analysis.synonym_match + "\n" +
               *explain + buf;
  }
  return result;
}

// Several guides: one index over all of them tells which guide a question
// fits (and what the guides cover), and each guide has an index of its own
// that ranks its passages on its own statistics, so adding a guide does not
// change how another guide's questions are answered.
class GuidedIndex final : public Index {
 public:
  GuidedIndex(std::shared_ptr<const IndexImpl> all,
              std::vector<std::pair<std::string, std::shared_ptr<const IndexImpl>>> guides)
      : all_(std::move(all)), guides_(std::move(guides)) {}

  SearchResult search(std::string_view question, std::size_t max_hits) const override {
    std::vector<GuideFit> fits = all_->guides_for(question);
    if (fits.empty() || fits.front().share <= 0) return all_->search(question, max_hits);
    SearchResult best = search_in(fits.front().guide, question, max_hits);
    if (fits.size() > 1 && fits[1].share >= limits::kOtherGuideShare * fits.front().share) {
      SearchResult second = search_in(fits[1].guide, question, max_hits);
      if (second.confidence > best.confidence) std::swap(best, second);
    }
    return best;
  }
  SearchResult search_in(std::string_view guide, std::string_view question,
                         std::size_t max_hits) const override {
    const IndexImpl* index = of(guide);
    return index != nullptr ? index->search(question, max_hits) : all_->search(question, max_hits);
  }
  double threshold() const override { return all_->threshold(); }
  std::vector<GuideFit> guides_for(std::string_view question) const override {
    return all_->guides_for(question);
  }
  std::string explain(std::string_view question) const override {
    std::vector<GuideFit> fits = guides_for(question);
    std::string out = "guides:";
    for (const auto& f : fits) {
      char buf[32];
      std::snprintf(buf, sizeof buf, " %.2f", f.share);
      out += " " + f.guide + buf;
    }
    const IndexImpl* index = fits.empty() ? nullptr : of(fits.front().guide);
    return out + "\n" + (index != nullptr ? index : all_.get())->explain(question);
  }
  const KnowledgeBase& knowledge() const override { return all_->knowledge(); }
  bool covers(std::string_view word) const override { return all_->covers(word); }
  std::vector<std::string> topics() const override { return all_->topics(); }
  CacheStats cache_stats() const override {
    CacheStats total = all_->cache_stats();
    for (const auto& [id, index] : guides_) {
      CacheStats c = index->cache_stats();
      total.hits += c.hits;
      total.misses += c.misses;
    }
    return total;
  }

 private:
  const IndexImpl* of(std::string_view guide) const {
    for (const auto& [id, index] : guides_) {
      if (id == guide) return index.get();
    }
    return nullptr;
  }

  std::shared_ptr<const IndexImpl> all_;
  std::vector<std::pair<std::string, std::shared_ptr<const IndexImpl>>> guides_;
};

}  // namespace

Result<std::shared_ptr<const Index>> Index::build(std::shared_ptr<const KnowledgeBase> kb,
                                                  const Options& options) {
  if (!kb) return Error{"no knowledge to index"};
  auto index = std::make_shared<IndexImpl>(kb);
  if (auto s = index->build(options); !s) return Error{s.error()};
  if (kb->guides().size() < 2 || !options.guide.empty()) {
    return std::shared_ptr<const Index>(std::move(index));
  }
  std::vector<std::pair<std::string, std::shared_ptr<const IndexImpl>>> guides;
  for (const auto& g : kb->guides()) {
    Options one = options;
    one.guide = g.id;
    one.db_path.clear();
    auto guide_index = std::make_shared<IndexImpl>(kb);
    if (auto s = guide_index->build(one); !s) return Error{g.id + ": " + s.error()};
    guides.emplace_back(g.id, std::move(guide_index));
  }
  return std::shared_ptr<const Index>(
      std::make_shared<GuidedIndex>(std::move(index), std::move(guides)));
}

}  // namespace guidechat::knowledge
