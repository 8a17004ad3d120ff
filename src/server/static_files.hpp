// The web-client directory (chat page, widget script, styles), read into
// memory once at start-up. Only files found then can ever be served, so no
// request path can reach outside the directory (no "..", no symlinks, no
// hidden files). Each file carries its content type and a strong ETag.
//
// Thread-safety: immutable after load(); find() is const.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include "common/result.hpp"

namespace guidechat::server {

struct StaticFile {
  std::string body;
  std::string content_type;
  std::string etag;           // quoted, e.g. "\"9f1c...\""
  std::string cache_control;  // HTML revalidates every time; assets briefly cached
};

class StaticFiles {
 public:
  // A missing directory is not an error (the server then has no pages);
  // an unreadable file or a directory over the limits is.
  static Result<StaticFiles> load(const std::filesystem::path& dir);

  // `path` is the request target without query, e.g. "/" or "/guidechat.js".
  const StaticFile* find(std::string_view path) const;
  std::size_t size() const { return files_.size(); }

  static std::string content_type_for(const std::filesystem::path& file);

 private:
  std::map<std::string, StaticFile, std::less<>> files_;
};

}  // namespace guidechat::server
