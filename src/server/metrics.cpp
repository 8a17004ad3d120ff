#include "server/metrics.hpp"

#include <cstdio>

namespace guidechat::server {

namespace {

constexpr auto kRelaxed = std::memory_order_relaxed;

void counter(std::string& out, const char* name, const char* help, std::uint64_t value) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += " counter\n";
  out += name;
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}

std::string fmt_double(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

Metrics::Metrics() : started_(std::chrono::steady_clock::now()) {
  content_loaded_unix_.store(std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count(),
                             kRelaxed);
}

void Metrics::content_reload(bool ok) {
  if (!ok) {
    reloads_failed_.fetch_add(1, kRelaxed);
    return;
  }
  reloads_ok_.fetch_add(1, kRelaxed);
  content_loaded_unix_.store(std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count(),
                             kRelaxed);
}

void Metrics::connection_opened() {
  connections_total_.fetch_add(1, kRelaxed);
  connections_open_.fetch_add(1, kRelaxed);
}

void Metrics::connection_closed() {
  connections_open_.fetch_sub(1, kRelaxed);
}

void Metrics::refused(Refusal why) {
  refused_[static_cast<std::size_t>(why)].fetch_add(1, kRelaxed);
}

void Metrics::http_request(unsigned status) {
  std::size_t slot = 5;
  if (status >= 200 && status < 300)
    slot = 0;
  else if (status >= 300 && status < 400)
    slot = 1;
  else if (status == 403)
    slot = 2;
  else if (status == 404)
    slot = 3;
  else if (status == 405)
    slot = 4;
  http_[slot].fetch_add(1, kRelaxed);
}

void Metrics::turn(std::chrono::nanoseconds latency, std::optional<protocol::ErrorCode> error,
                   bool fallback, bool resumed, std::string_view outcome_level) {
  turns_.fetch_add(1, kRelaxed);
  if (error) this->error(*error);
  if (fallback) fallbacks_.fetch_add(1, kRelaxed);
  if (resumed) resumed_.fetch_add(1, kRelaxed);
  if (outcome_level == "urgent")
    outcomes_[0].fetch_add(1, kRelaxed);
  else if (outcome_level == "doctor")
    outcomes_[1].fetch_add(1, kRelaxed);
  else if (outcome_level == "self-care")
    outcomes_[2].fetch_add(1, kRelaxed);
  double seconds = std::chrono::duration<double>(latency).count();
  std::size_t bucket = kBuckets.size();
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      bucket = i;
      break;
    }
  }
  latency_[bucket].fetch_add(1, kRelaxed);
  latency_sum_ns_.fetch_add(static_cast<std::uint64_t>(latency.count()), kRelaxed);
}

void Metrics::error(protocol::ErrorCode code) {
  auto i = static_cast<std::size_t>(code);
  if (i < kErrorCodes) errors_[i].fetch_add(1, kRelaxed);
}

void Metrics::slow_client_dropped() {
  slow_dropped_.fetch_add(1, kRelaxed);
}

void Metrics::render_search_cache(std::string* out, std::uint64_t hits, std::uint64_t misses) {
  counter(*out, "guidechat_search_cache_hits_total",
          "Guide searches answered from the cache of recent results", hits);
  counter(*out, "guidechat_search_cache_misses_total",
          "Guide searches that ran the full-text query", misses);
}

std::string Metrics::render() const {
  std::string out;
  out.reserve(4096);
  out +=
      "# HELP guidechat_uptime_seconds Seconds since the server started.\n"
      "# TYPE guidechat_uptime_seconds gauge\nguidechat_uptime_seconds ";
  out += fmt_double(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  out += '\n';
  counter(out, "guidechat_connections_total", "WebSocket connections accepted.",
          connections_total_.load(kRelaxed));
  out +=
      "# HELP guidechat_connections_open WebSocket connections open now.\n"
      "# TYPE guidechat_connections_open gauge\nguidechat_connections_open ";
  out += std::to_string(connections_open_.load(kRelaxed));
  out += '\n';

  out +=
      "# HELP guidechat_handshakes_refused_total WebSocket handshakes refused, by reason.\n"
      "# TYPE guidechat_handshakes_refused_total counter\n";
  const char* reasons[] = {"origin", "connection_limit", "bad_path", "bad_handshake"};
  for (std::size_t i = 0; i < refused_.size(); ++i) {
    out += "guidechat_handshakes_refused_total{reason=\"";
    out += reasons[i];
    out += "\"} " + std::to_string(refused_[i].load(kRelaxed)) + "\n";
  }

  out +=
      "# HELP guidechat_http_requests_total Plain HTTP requests answered, by status.\n"
      "# TYPE guidechat_http_requests_total counter\n";
  const char* statuses[] = {"2xx", "3xx", "403", "404", "405", "other"};
  for (std::size_t i = 0; i < http_.size(); ++i) {
    out += "guidechat_http_requests_total{status=\"";
    out += statuses[i];
    out += "\"} " + std::to_string(http_[i].load(kRelaxed)) + "\n";
  }

  counter(out, "guidechat_turns_total", "Client messages handled by the dialog engine.",
          turns_.load(kRelaxed));
  counter(out, "guidechat_fallbacks_total", "Replies with a fallback (the guide has no answer).",
          fallbacks_.load(kRelaxed));
  counter(out, "guidechat_sessions_resumed_total", "hello messages that resumed a session.",
          resumed_.load(kRelaxed));
  counter(out, "guidechat_tokens_refused_total",
          "Session tokens refused (tampered, expired or foreign).",
          errors_[static_cast<std::size_t>(protocol::ErrorCode::kBadSession)].load(kRelaxed));
  counter(out, "guidechat_rate_limited_total", "Messages refused by the rate limit.",
          errors_[static_cast<std::size_t>(protocol::ErrorCode::kRateLimited)].load(kRelaxed));
  counter(out, "guidechat_slow_clients_dropped_total",
          "Connections dropped because they did not read their replies.",
          slow_dropped_.load(kRelaxed));

  out +=
      "# HELP guidechat_content_reloads_total SIGHUP content reloads, by result.\n"
      "# TYPE guidechat_content_reloads_total counter\n"
      "guidechat_content_reloads_total{result=\"applied\"} " +
      std::to_string(reloads_ok_.load(kRelaxed)) +
      "\nguidechat_content_reloads_total{result=\"refused\"} " +
      std::to_string(reloads_failed_.load(kRelaxed)) + "\n";
  out +=
      "# HELP guidechat_content_loaded_timestamp_seconds When the content now served was "
      "loaded (unix time).\n"
      "# TYPE guidechat_content_loaded_timestamp_seconds gauge\n"
      "guidechat_content_loaded_timestamp_seconds " +
      std::to_string(content_loaded_unix_.load(kRelaxed)) + "\n";

  out +=
      "# HELP guidechat_outcomes_total Triage outcomes reached, by level.\n"
      "# TYPE guidechat_outcomes_total counter\n";
  const char* levels[] = {"urgent", "doctor", "self-care"};
  for (std::size_t i = 0; i < outcomes_.size(); ++i) {
    out += "guidechat_outcomes_total{level=\"";
    out += levels[i];
    out += "\"} " + std::to_string(outcomes_[i].load(kRelaxed)) + "\n";
  }

  out +=
      "# HELP guidechat_errors_total Error frames sent, by protocol error code.\n"
      "# TYPE guidechat_errors_total counter\n";
  for (std::size_t i = 0; i < kErrorCodes; ++i) {
    out += "guidechat_errors_total{code=\"";
    out += protocol::code_name(static_cast<protocol::ErrorCode>(i));
    out += "\"} " + std::to_string(errors_[i].load(kRelaxed)) + "\n";
  }

  out +=
      "# HELP guidechat_turn_seconds Time to handle one client message.\n"
      "# TYPE guidechat_turn_seconds histogram\n";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    cumulative += latency_[i].load(kRelaxed);
    out += "guidechat_turn_seconds_bucket{le=\"" + fmt_double(kBuckets[i]) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  cumulative += latency_[kBuckets.size()].load(kRelaxed);
  out += "guidechat_turn_seconds_bucket{le=\"+Inf\"} " + std::to_string(cumulative) + "\n";
  out += "guidechat_turn_seconds_sum " +
         fmt_double(static_cast<double>(latency_sum_ns_.load(kRelaxed)) / 1e9) + "\n";
  out += "guidechat_turn_seconds_count " + std::to_string(cumulative) + "\n";
  return out;
}

}  // namespace guidechat::server
