// libFuzzer target: the search path a patient's `say` text takes — the query
// builder (folding, typo correction, synonyms, FTS5 quoting) and
// Index::search over the bundled guide. Checks that text never reaches
// FTS5 as syntax (a MATCH built from arbitrary terms always runs), and that
// what search hands the dialog engine is what it promises: at most max_hits
// hits, scores in 0..1, and every hit a passage of its section verbatim.
#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/limits.hpp"
#include "knowledge/index.hpp"
#include "knowledge/knowledge_base.hpp"
#include "knowledge/query_builder.hpp"

namespace {

namespace knowledge = guidechat::knowledge;

void require(bool ok) {
  if (!ok) std::abort();
}

std::shared_ptr<const knowledge::Index> g_index;
sqlite3* g_fts = nullptr;
sqlite3_stmt* g_match = nullptr;

// Runs build_match(terms) as a MATCH: must never be an FTS5 syntax error.
void require_match_runs(const std::vector<std::string>& terms) {
  const std::string match = knowledge::build_match(terms);
  if (match.empty()) return;
  sqlite3_bind_text(g_match, 1, match.data(), static_cast<int>(match.size()), SQLITE_TRANSIENT);
  int rc;
  while ((rc = sqlite3_step(g_match)) == SQLITE_ROW) {
  }
  sqlite3_reset(g_match);
  require(rc == SQLITE_DONE);
}

void require_verbatim(const knowledge::Hit& hit) {
  require(hit.section != nullptr);
  require(!hit.text.empty() && hit.text.size() <= guidechat::limits::kMaxPassageChars);
  for (const auto& p : hit.section->passages) {
    if (p.text == hit.text) return;
  }
  require(false);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  auto kb = knowledge::KnowledgeBase::load(GUIDECHAT_DATA_DIR "/knowledge");
  if (!kb.ok()) std::abort();
  auto index = knowledge::Index::build(*kb, {});
  if (!index.ok()) std::abort();
  g_index = *index;

  require(sqlite3_open(":memory:", &g_fts) == SQLITE_OK);
  require(sqlite3_exec(g_fts,
                       "CREATE VIRTUAL TABLE t USING fts5(body, tokenize = 'porter unicode61');"
                       "INSERT INTO t(body) VALUES ('facial spasm twitching eyelid doctor');",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  require(sqlite3_prepare_v2(g_fts, "SELECT rowid FROM t WHERE t MATCH ?1", -1, &g_match,
                             nullptr) == SQLITE_OK);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t max_hits = data[0] % 6;
  const std::string_view question(reinterpret_cast<const char*>(data + 1), size - 1);

  // Quoting: any bytes, split into terms at newlines.
  std::vector<std::string> terms;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= question.size() && terms.size() < 8; ++i) {
    if (i == question.size() || question[i] == '\n') {
      terms.emplace_back(question.substr(start, i - start));
      start = i + 1;
    }
  }
  require_match_runs(terms);

  const knowledge::SearchResult r = g_index->search(question, max_hits);
  require(r.hits.size() <= max_hits);
  require(r.confidence >= 0.0 && r.confidence <= 1.0);
  require(r.in_scope == (r.confidence >= g_index->threshold()));
  for (const auto& hit : r.hits) {
    require(hit.score >= 0.0 && hit.score <= 1.0);
    require_verbatim(hit);
  }
  require(!r.suggestions.empty());
  return 0;
}
