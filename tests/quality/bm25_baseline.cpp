// The plain bm25 baseline of docs/quality.md: SQLite FTS5 (porter
// tokenizer, headings weighted like the index's) over the guides'
// passages, queried with every word of the message OR'ed, with no
// synonyms, typo fixes, scope judgement or dialog. One message per line on
// stdin; for each, one line out: the guide id, a tab and the title of the
// best passage's section,
// or an empty line when no word matched.
//
//   quality_bm25_baseline KNOWLEDGE_DIR < messages.txt
#include <sqlite3.h>

#include <cstdio>
#include <iostream>
#include <string>

#include "common/text.hpp"
#include "knowledge/knowledge_base.hpp"
#include "knowledge/query_builder.hpp"

using namespace guidechat;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: quality_bm25_baseline KNOWLEDGE_DIR < messages\n");
    return 2;
  }
  auto kb = knowledge::KnowledgeBase::load(argv[1]);
  if (!kb.ok()) {
    std::fprintf(stderr, "quality_bm25_baseline: %s\n", kb.error().c_str());
    return 2;
  }
  sqlite3* db = nullptr;
  sqlite3_open(":memory:", &db);
  sqlite3_exec(db,
               "CREATE VIRTUAL TABLE p USING fts5(title, body, guide UNINDEXED, "
               "tokenize='porter unicode61')",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO p(title, body, guide) VALUES (?1, ?2, ?3)", -1, &insert,
                     nullptr);
  for (const auto* section : (*kb)->sections()) {
    for (const auto& passage : section->passages) {
      sqlite3_bind_text(insert, 1, section->title.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(insert, 2, passage.text.c_str(), -1, SQLITE_STATIC);
      sqlite3_bind_text(insert, 3, section->guide.c_str(), -1, SQLITE_STATIC);
      sqlite3_step(insert);
      sqlite3_reset(insert);
    }
  }
  sqlite3_finalize(insert);
  sqlite3_stmt* search = nullptr;
  sqlite3_prepare_v2(
      db, "SELECT guide, title FROM p WHERE p MATCH ?1 ORDER BY bm25(p, 4.0, 1.0) LIMIT 1", -1,
      &search, nullptr);
  std::string line;
  while (std::getline(std::cin, line)) {
    // Every word, each quoted: user text never reaches MATCH as syntax.
    std::string match = knowledge::build_match(text::words(line));
    std::string title;
    if (!match.empty()) {
      sqlite3_bind_text(search, 1, match.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(search) == SQLITE_ROW) {
        title = reinterpret_cast<const char*>(sqlite3_column_text(search, 0));
        title += '\t';
        title += reinterpret_cast<const char*>(sqlite3_column_text(search, 1));
      }
      sqlite3_reset(search);
    }
    std::cout << title << "\n" << std::flush;
  }
  sqlite3_finalize(search);
  sqlite3_close(db);
  return 0;
}
