#include "server/origin_check.hpp"

#include <algorithm>

namespace guidechat::server {

namespace {

std::string normalize(std::string_view s) {
  std::string out(s);
  while (!out.empty() && out.back() == '/') out.pop_back();
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

}  // namespace

OriginCheck::OriginCheck(const std::vector<std::string>& allowed,
                         const std::vector<std::string>& own) {
  for (const auto& o : allowed) {
    auto n = normalize(o);
    if (!n.empty()) allowed_.push_back(std::move(n));
  }
  for (const auto& o : own) {
    auto n = normalize(o);
    if (!n.empty()) own_.push_back(std::move(n));
  }
}

bool OriginCheck::allowed(std::string_view origin, std::string_view host) const {
  if (origin.empty()) return true;
  auto o = normalize(origin);
  // "null" is what sandboxed frames and file:// pages send: never trusted.
  if (o == "null") return false;
  if (!own_.empty()) {
    if (std::find(own_.begin(), own_.end(), o) != own_.end()) return true;
  } else if (!host.empty()) {
    auto h = normalize(host);
    if (o == "http://" + h || o == "https://" + h) return true;
  }
  return std::find(allowed_.begin(), allowed_.end(), o) != allowed_.end();
}

}  // namespace guidechat::server
