// Content: everything a conversation needs that a clinic edits as data — the
// knowledge base, its search index, the flows and the engine over them —
// loaded and validated as one unit, so a reload swaps all of it at once or
// nothing.
//
// Thread-safety: a loaded Content is immutable and shared (shared_ptr to
// const) by every thread; load_content itself may run on any thread.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "common/limits.hpp"
#include "common/result.hpp"
#include "dialog/engine.hpp"
#include "dialog/flow.hpp"
#include "knowledge/index.hpp"
#include "knowledge/knowledge_base.hpp"

namespace guidechat::session {

struct ContentPaths {
  std::filesystem::path knowledge;
  std::filesystem::path dialogs;
  std::string db;                                             // empty: index in memory
  std::size_t search_cache = limits::kSearchCacheEntries;     // results kept per thread; 0: none
  std::filesystem::path lang = language::default_lang_dir();  // the product's language
};

struct Content {
  std::shared_ptr<const knowledge::KnowledgeBase> knowledge;
  std::shared_ptr<const knowledge::Index> index;
  std::shared_ptr<const dialog::FlowSet> flows;
  std::shared_ptr<const dialog::Engine> engine;
};

// The bundled directories, overridden by GUIDECHAT_KNOWLEDGE /
// GUIDECHAT_DIALOGS / GUIDECHAT_LANG / GUIDECHAT_DB.
ContentPaths default_content_paths();

// Loads and validates everything; fails with the first problem found (with
// file and line), leaving nothing half-loaded.
Result<std::shared_ptr<const Content>> load_content(const ContentPaths& paths);

}  // namespace guidechat::session
