#include "session/content.hpp"

#include <cstdlib>

namespace guidechat::session {

namespace {
std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}
}  // namespace

ContentPaths default_content_paths() {
  ContentPaths p;
  p.knowledge = env_or("GUIDECHAT_KNOWLEDGE", std::string(GUIDECHAT_DATA_DIR) + "/knowledge");
  p.dialogs = env_or("GUIDECHAT_DIALOGS", std::string(GUIDECHAT_DATA_DIR) + "/dialogs");
  p.db = env_or("GUIDECHAT_DB", "");
  return p;
}

Result<std::shared_ptr<const Content>> load_content(const ContentPaths& paths) {
  auto kb = knowledge::KnowledgeBase::load(paths.knowledge, paths.lang);
  if (!kb.ok()) return Error{kb.error()};
  knowledge::Index::Options options;
  options.db_path = paths.db;
  options.cache_entries = paths.search_cache;
  auto index = knowledge::Index::build(*kb, options);
  if (!index.ok()) return Error{index.error()};
  auto flows = dialog::FlowSet::load(paths.dialogs, **kb);
  if (!flows.ok()) return Error{flows.error()};
  auto content = std::make_shared<Content>();
  content->knowledge = *kb;
  content->index = *index;
  content->flows = *flows;
  content->engine = std::make_shared<const dialog::Engine>(*flows, *index);
  return std::shared_ptr<const Content>(std::move(content));
}

}  // namespace guidechat::session
