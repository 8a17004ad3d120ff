// What every connection of one server shares: the options, the session-token
// sealer, the served content (swappable), the web files, the limits, the
// metrics and the registry of open connections. Held by shared_ptr by every
// connection, so it outlives them all.
//
// Thread-safety: all accessors are safe from any thread. content() and
// swap_content() use an atomic shared_ptr; the rest is immutable or
// internally synchronized.
#pragma once

#include <atomic>
#include <memory>

#include "knowledge/gap_report.hpp"
#include "server/address_budget.hpp"
#include "server/client_address.hpp"
#include "server/connection_limiter.hpp"
#include "server/metrics.hpp"
#include "server/origin_check.hpp"
#include "server/served_content.hpp"
#include "server/server_options.hpp"
#include "server/session_registry.hpp"
#include "server/static_files.hpp"
#include "session/token.hpp"

namespace guidechat::server {

class SharedState {
 public:
  SharedState(ServerOptions options, session::TokenSealer sealer, StaticFiles files,
              std::shared_ptr<const session::Content> content);

  const ServerOptions& options() const { return options_; }
  const session::TokenSealer& sealer() const { return sealer_; }
  const StaticFiles& files() const { return files_; }
  const OriginCheck& origins() const { return origins_; }
  const ClientAddress& client_address() const { return client_address_; }
  ConnectionLimiter& limiter() { return *limiter_; }
  AddressBudget& address_budget() { return address_budget_; }
  Metrics& metrics() { return metrics_; }
  SessionRegistry& registry() { return registry_; }
  // The content-gap report, or nullptr when --gap-report is not set. Set
  // once by Server::create before any connection exists.
  knowledge::GapReport* gaps() const { return gaps_.get(); }
  void set_gaps(std::unique_ptr<knowledge::GapReport> gaps) { gaps_ = std::move(gaps); }

  std::shared_ptr<const session::Content> content() const { return content_.load(); }
  void swap_content(std::shared_ptr<const session::Content> next) {
    content_.store(std::move(next));
  }

  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  void set_stopping() { stopping_.store(true, std::memory_order_release); }

 private:
  const ServerOptions options_;
  const session::TokenSealer sealer_;
  const StaticFiles files_;
  const OriginCheck origins_;
  ClientAddress client_address_;  // set in the constructor, then immutable
  std::shared_ptr<ConnectionLimiter> limiter_;
  AddressBudget address_budget_;
  Metrics metrics_;
  SessionRegistry registry_;
  std::atomic<std::shared_ptr<const session::Content>> content_;
  std::unique_ptr<knowledge::GapReport> gaps_;
  std::atomic<bool> stopping_{false};
};

}  // namespace guidechat::server
