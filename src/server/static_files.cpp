#include "server/static_files.hpp"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <system_error>

#include "common/limits.hpp"

namespace guidechat::server {

namespace fs = std::filesystem;

namespace {

std::string etag_of(const std::string& body) {
  // FNV-1a 64: a content fingerprint for revalidation, not a security hash.
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : body) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

bool hidden(const fs::path& relative) {
  for (const auto& part : relative) {
    auto s = part.string();
    if (!s.empty() && s[0] == '.') return true;
  }
  return false;
}

}  // namespace

std::string StaticFiles::content_type_for(const fs::path& file) {
  auto ext = file.extension().string();
  if (ext == ".html" || ext == ".htm") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".webp") return "image/webp";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".txt" || ext == ".md") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

Result<StaticFiles> StaticFiles::load(const fs::path& dir) {
  StaticFiles out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  std::size_t total = 0;
  // Default options: symlinked directories are not followed.
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const auto& entry = *it;
    if (entry.is_symlink(ec) || !entry.is_regular_file(ec)) continue;
    auto relative = fs::relative(entry.path(), dir, ec);
    if (ec || hidden(relative)) continue;
    if (out.files_.size() >= limits::kMaxWebFiles) {
      return Error{dir.string() + ": more than " + std::to_string(limits::kMaxWebFiles) + " files"};
    }
    std::ifstream in(entry.path(), std::ios::binary);
    if (!in) return Error{entry.path().string() + ": cannot read"};
    std::ostringstream body;
    body << in.rdbuf();
    StaticFile file;
    file.body = body.str();
    total += file.body.size();
    if (total > limits::kMaxWebTotalBytes) {
      return Error{dir.string() + ": more than " + std::to_string(limits::kMaxWebTotalBytes) +
                   " bytes"};
    }
    file.content_type = content_type_for(entry.path());
    file.etag = etag_of(file.body);
    bool html = file.content_type.rfind("text/html", 0) == 0;
    file.cache_control = html ? "no-cache" : "public, max-age=300";
    // Built by append: GCC 12 warns falsely (-Wrestrict) on "/" + string.
    std::string key(1, '/');
    key.append(relative.generic_string());
    out.files_.emplace(std::move(key), std::move(file));
  }
  if (ec) return Error{dir.string() + ": " + ec.message()};
  return out;
}

const StaticFile* StaticFiles::find(std::string_view path) const {
  if (path == "/") path = "/index.html";
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second;
}

}  // namespace guidechat::server
