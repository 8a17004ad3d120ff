#include "server/served_content.hpp"

namespace guidechat::server {

Result<std::shared_ptr<const session::Content>> load_served_content(const ServerOptions& options) {
  session::ContentPaths paths;
  paths.knowledge = options.knowledge_dir;
  paths.dialogs = options.dialogs_dir;
  paths.db = options.db_path;
  paths.search_cache = options.search_cache;
  return session::load_content(paths);
}

std::size_t section_count(const session::Content& content) {
  return content.knowledge ? content.knowledge->sections().size() : 0;
}

std::size_t flow_count(const session::Content& content) {
  return content.flows ? content.flows->flows().size() : 0;
}

}  // namespace guidechat::server
