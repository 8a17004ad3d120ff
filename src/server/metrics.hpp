// Counters for `GET /metrics`, rendered in the Prometheus text format:
// connections, HTTP requests, turns, fallbacks, outcomes, errors by code,
// a turn-latency histogram, refusals (rate limit, origin, connection limits),
// sessions resumed, tokens refused and slow clients dropped.
//
// Thread-safety: every method is safe from any thread (relaxed atomics; the
// numbers are monitoring data, not synchronization).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/message.hpp"

namespace guidechat::server {

class Metrics {
 public:
  enum class Refusal { kOrigin, kConnectionLimit, kBadPath, kBadHandshake, kCount };

  Metrics();

  void connection_opened();
  void connection_closed();
  void refused(Refusal why);
  void http_request(unsigned status);
  // One handled client frame: how long the turn took and what it produced.
  void turn(std::chrono::nanoseconds latency, std::optional<protocol::ErrorCode> error,
            bool fallback, bool resumed, std::string_view outcome_level);
  // An error frame sent by the server itself (too_large, rate_limited, ...).
  void error(protocol::ErrorCode code);
  void slow_client_dropped();
  // A SIGHUP content reload: applied, or refused (old content kept).
  void content_reload(bool ok);

  std::string render() const;
  // Appends the search cache's counters (they live with the content and
  // start again from 0 after a reload, which Prometheus reads as a reset).
  static void render_search_cache(std::string* out, std::uint64_t hits, std::uint64_t misses);

 private:
  static constexpr std::size_t kErrorCodes = protocol::kErrorCodeCount;
  // Turns take tens of microseconds; the low buckets keep that visible.
  static constexpr std::array<double, 14> kBuckets = {0.000025, 0.00005, 0.0001, 0.00025, 0.0005,
                                                      0.001,    0.0025,  0.005,  0.01,    0.025,
                                                      0.05,     0.1,     0.25,   1.0};

  std::chrono::steady_clock::time_point started_;
  std::atomic<std::uint64_t> connections_total_{0};
  std::atomic<std::int64_t> connections_open_{0};
  std::array<std::atomic<std::uint64_t>, static_cast<std::size_t>(Refusal::kCount)> refused_{};
  std::array<std::atomic<std::uint64_t>, 6> http_{};  // 2xx 3xx 403 404 405 other
  std::atomic<std::uint64_t> turns_{0};
  std::atomic<std::uint64_t> fallbacks_{0};
  std::atomic<std::uint64_t> resumed_{0};
  std::array<std::atomic<std::uint64_t>, 3> outcomes_{};  // urgent doctor self-care
  std::array<std::atomic<std::uint64_t>, kErrorCodes> errors_{};
  std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> latency_{};  // last: +Inf
  std::atomic<std::uint64_t> latency_sum_ns_{0};
  std::atomic<std::uint64_t> slow_dropped_{0};
  std::atomic<std::uint64_t> reloads_ok_{0};
  std::atomic<std::uint64_t> reloads_failed_{0};
  std::atomic<std::int64_t> content_loaded_unix_{0};
};

}  // namespace guidechat::server
