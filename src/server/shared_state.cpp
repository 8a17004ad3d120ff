#include "server/shared_state.hpp"

namespace guidechat::server {

SharedState::SharedState(ServerOptions options, session::TokenSealer sealer, StaticFiles files,
                         std::shared_ptr<const session::Content> content)
    : options_(std::move(options)),
      sealer_(std::move(sealer)),
      files_(std::move(files)),
      origins_(options_.allow_origins, options_.public_origins),
      limiter_(
          ConnectionLimiter::create(options_.max_connections, options_.max_connections_per_ip)),
      address_budget_(options_.address_rate, options_.address_burst, limits::kMaxBudgetAddresses),
      content_(std::move(content)) {
  // The CLI refuses a bad --trust-proxy list; here a bad one trusts nobody.
  if (auto c = ClientAddress::parse(options_.trusted_proxies); c.ok()) client_address_ = *c;
}

}  // namespace guidechat::server
