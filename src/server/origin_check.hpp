// Cross-site WebSocket hijacking guard: a browser always sends Origin on a
// WebSocket handshake, so a handshake is accepted when it has no Origin (a
// non-browser client), when Origin is the server's own, or when it is one of
// the --allow-origin entries (exact, case-insensitive). The server's own
// origins are the --public-origin entries when there are any; only without
// them is scheme://Host taken as its own, which a DNS-rebinding page can
// forge (its Host is then its own name), so a replica reachable from the
// internet is configured with them.
//
// Thread-safety: immutable after construction; allowed() is const.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace guidechat::server {

class OriginCheck {
 public:
  explicit OriginCheck(const std::vector<std::string>& allowed,
                       const std::vector<std::string>& own = {});

  // `origin`: the Origin header (empty when absent); `host`: the Host header.
  bool allowed(std::string_view origin, std::string_view host) const;
  const std::vector<std::string>& origins() const { return allowed_; }

 private:
  std::vector<std::string> allowed_;  // normalized: lower case, no trailing '/'
  std::vector<std::string> own_;      // the server's public origins; empty: trust Host
};

}  // namespace guidechat::server
