// Cross-site WebSocket hijacking guard: a browser always sends Origin on a
// WebSocket handshake, so a handshake is accepted when it has no Origin (a
// non-browser client), when Origin is the server's own (scheme://Host), or
// when it is one of the --allow-origin entries (exact, case-insensitive).
//
// Thread-safety: immutable after construction; allowed() is const.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace guidechat::server {

class OriginCheck {
 public:
  explicit OriginCheck(const std::vector<std::string>& allowed);

  // `origin`: the Origin header (empty when absent); `host`: the Host header.
  bool allowed(std::string_view origin, std::string_view host) const;
  const std::vector<std::string>& origins() const { return allowed_; }

 private:
  std::vector<std::string> allowed_;  // normalized: lower case, no trailing '/'
};

}  // namespace guidechat::server
