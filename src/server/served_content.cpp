#include "server/served_content.hpp"

#include <filesystem>

namespace guidechat::server {

Result<std::shared_ptr<const session::Content>> load_served_content(const ServerOptions& options) {
  session::ContentPaths paths;
  paths.knowledge = options.knowledge_dir;
  paths.dialogs = options.dialogs_dir;
  paths.db = options.db_path;
  paths.search_cache = options.search_cache;
  return session::load_content(paths);
}

std::vector<std::string> present_word_lists(const ServerOptions& options) {
  const session::ContentPaths defaults;
  const std::filesystem::path lists[] = {
      std::filesystem::path(options.knowledge_dir) / "synonyms.txt",
      defaults.lang / "everyday-words.txt", defaults.lang / "english-words.txt"};
  std::vector<std::string> present;
  for (const auto& path : lists) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) present.push_back(path.string());
  }
  return present;
}

std::size_t section_count(const session::Content& content) {
  return content.knowledge ? content.knowledge->sections().size() : 0;
}

std::size_t flow_count(const session::Content& content) {
  return content.flows ? content.flows->flows().size() : 0;
}

}  // namespace guidechat::server
