// loadgen: drives scripted WebSocket conversations against a guidechat (or
// echo) server on this machine and reports turns/s, latency quantiles,
// errors, lost and misordered replies, and the server's memory and CPU.
//
//   loadgen --url ws://127.0.0.1:8080/ws --connections 100 --shape closed
//   loadgen --connections 1000 --shape paced -- ./guidechat serve --port {port}
//   loadgen --cold-start 20 -- ./guidechat serve --port {port}
//
// With a command after "--", loadgen starts that server itself on a free
// port, waits until it is ready and stops it at the end. The last line of
// output is "RESULT key=value ..." for scripts (bench/run).
#include <sys/resource.h>

#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/ip/address.hpp>

#include "loadgen_runner.hpp"
#include "loadgen_server.hpp"

namespace gb = guidechat::bench;

namespace {

constexpr std::size_t kMaxConnections = 20000;
constexpr double kMaxSeconds = 600;

struct Options {
  std::string url;
  std::size_t connections = 1;
  unsigned threads = 1;
  std::string shape = "closed";
  double think_s = 1.0;
  double warmup_s = 1.0;
  double duration_s = 5.0;
  double drain_s = 3.0;
  int server_pid = 0;
  std::string ready = "healthz";
  std::string server_log = "/dev/null";
  int cold_start = 0;
  bool check = false;
  std::string label;
  std::vector<std::string> command;
};

// "ws://HOST:PORT/PATH" on loopback only.
bool parse_url(const std::string& url, gb::RunConfig& config, std::string& why) {
  const std::string scheme = "ws://";
  if (url.rfind(scheme, 0) != 0) return why = "the URL must start with ws://", false;
  std::string rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  config.path = slash == std::string::npos ? "/" : rest.substr(slash);
  rest = rest.substr(0, slash);
  const auto colon = rest.rfind(':');
  if (colon == std::string::npos) return why = "the URL needs a port", false;
  config.host = rest.substr(0, colon);
  if (config.host == "localhost") config.host = "127.0.0.1";
  try {
    config.port = static_cast<std::uint16_t>(std::stoi(rest.substr(colon + 1)));
  } catch (const std::exception&) {
    return why = "bad port in the URL", false;
  }
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(config.host, ec);
  if (ec || !address.is_loopback()) return why = "loadgen only targets loopback addresses", false;
  return true;
}

std::chrono::milliseconds ms(double seconds) {
  return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000));
}

void print_report(const Options& o, gb::Report& r) {
  gb::Stats& s = r.stats;
  const double tps = r.seconds > 0 ? static_cast<double>(s.turns) / r.seconds : 0;
  const double p50 = s.quantile_us(0.50), p99 = s.quantile_us(0.99), p999 = s.quantile_us(0.999),
               max = s.quantile_us(1.0);
  const double per_conn = r.connected ? static_cast<double>(r.rss_after_kib - r.rss_before_kib) *
                                            1024.0 / static_cast<double>(r.connected)
                                      : 0;
  const double wait_pct =
      r.seconds > 0 ? static_cast<double>(r.server_wait_us) / (r.seconds * 1e4) : 0;
  const double server_us_per_turn =
      s.turns ? static_cast<double>(r.server_cpu_us) / static_cast<double>(s.turns) : 0;
  std::printf("%s: %zu connections (%.2f s to open), shape %s\n",
              o.label.empty() ? "loadgen" : o.label.c_str(), r.connected, r.connect_seconds,
              o.shape.c_str());
  if (o.shape != "idle") {
    std::printf(
        "  turns %llu in %.2f s = %.0f turns/s; latency p50 %.1f us, p99 %.1f us, "
        "p99.9 %.1f us, max %.1f us\n",
        static_cast<unsigned long long>(s.turns), r.seconds, tps, p50, p99, p999, max);
    std::printf(
        "  server CPU %.1f us/turn, server waited for a CPU %.0f%% of the time, loadgen CPU "
        "%.0f%%, late paced sends %llu\n",
        server_us_per_turn, wait_pct,
        r.seconds > 0 ? static_cast<double>(r.client_cpu_us) / (r.seconds * 1e4) : 0,
        static_cast<unsigned long long>(s.late_sends));
  }
  std::printf(
      "  errors %llu, lost %llu, misordered %llu, without reply_to %llu, unexpected %llu, bad "
      "frames %llu, connect failures %llu, dropped %llu, welcomes %llu\n",
      static_cast<unsigned long long>(s.errors), static_cast<unsigned long long>(s.lost),
      static_cast<unsigned long long>(s.misordered),
      static_cast<unsigned long long>(s.uncorrelated),
      static_cast<unsigned long long>(s.unexpected), static_cast<unsigned long long>(s.bad_frames),
      static_cast<unsigned long long>(s.connect_failures),
      static_cast<unsigned long long>(s.connection_errors),
      static_cast<unsigned long long>(s.welcomes));
  for (const auto& [code, n] : s.error_codes) {
    std::printf("    error %s: %llu\n", code.c_str(), static_cast<unsigned long long>(n));
  }
  if (r.rss_before_kib > 0) {
    std::printf(
        "  server RSS %lld KiB before, %lld KiB after (peak %lld KiB): %.0f B per "
        "connection\n",
        static_cast<long long>(r.rss_before_kib), static_cast<long long>(r.rss_after_kib),
        static_cast<long long>(r.peak_rss_kib), per_conn);
  }
  std::printf(
      "RESULT label=%s shape=%s conns=%zu turns=%llu seconds=%.3f turns_per_s=%.1f "
      "p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f errors=%llu lost=%llu misordered=%llu "
      "uncorrelated=%llu unexpected=%llu bad=%llu connect_failures=%llu dropped=%llu late=%llu "
      "welcomes=%llu "
      "rss_before_kib=%lld rss_after_kib=%lld peak_rss_kib=%lld rss_per_conn_b=%.0f "
      "server_us_per_turn=%.2f client_cpu_pct=%.0f server_wait_pct=%.0f\n",
      o.label.empty() ? "-" : o.label.c_str(), o.shape.c_str(), r.connected,
      static_cast<unsigned long long>(s.turns), r.seconds, tps, p50, p99, p999, max,
      static_cast<unsigned long long>(s.errors), static_cast<unsigned long long>(s.lost),
      static_cast<unsigned long long>(s.misordered),
      static_cast<unsigned long long>(s.uncorrelated),
      static_cast<unsigned long long>(s.unexpected), static_cast<unsigned long long>(s.bad_frames),
      static_cast<unsigned long long>(s.connect_failures),
      static_cast<unsigned long long>(s.connection_errors),
      static_cast<unsigned long long>(s.late_sends), static_cast<unsigned long long>(s.welcomes),
      static_cast<long long>(r.rss_before_kib), static_cast<long long>(r.rss_after_kib),
      static_cast<long long>(r.peak_rss_kib), per_conn, server_us_per_turn,
      r.seconds > 0 ? static_cast<double>(r.client_cpu_us) / (r.seconds * 1e4) : 0.0, wait_pct);
  std::fflush(stdout);
}

bool clean(const gb::Report& r, const Options& o) {
  const gb::Stats& s = r.stats;
  const bool talked = o.shape == "idle" || s.turns > 0;
  return talked && s.errors == 0 && s.lost == 0 && s.misordered == 0 && s.uncorrelated == 0 &&
         s.unexpected == 0 && s.bad_frames == 0 && s.connect_failures == 0 &&
         s.connection_errors == 0;
}

int cold_start(const Options& o, gb::Readiness how) {
  auto port = gb::free_port();
  if (!port) return std::fprintf(stderr, "loadgen: %s\n", port.error().c_str()), 2;
  std::vector<double> ms_taken;
  for (int i = 0; i < o.cold_start; ++i) {
    gb::ServerProcess server;
    if (auto st = server.spawn(o.command, *port, o.server_log); !st.ok()) {
      return std::fprintf(stderr, "loadgen: %s\n", st.error().c_str()), 2;
    }
    auto ready = server.wait_ready(how, std::chrono::milliseconds(10000));
    if (!ready) return std::fprintf(stderr, "loadgen: %s\n", ready.error().c_str()), 2;
    ms_taken.push_back(static_cast<double>(ready->count()) / 1e6);
    server.stop();
  }
  std::vector<double> sorted = ms_taken;
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted.size() % 2
                            ? sorted[sorted.size() / 2]
                            : (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]) / 2;
  std::printf(
      "cold start (process start to ready), %d runs: median %.1f ms, min %.1f ms, "
      "max %.1f ms\n",
      o.cold_start, median, sorted.front(), sorted.back());
  std::printf("RESULT label=%s shape=cold_start runs=%d median_ms=%.2f min_ms=%.2f max_ms=%.2f\n",
              o.label.empty() ? "-" : o.label.c_str(), o.cold_start, median, sorted.front(),
              sorted.back());
  return 0;
}

// Each connection is a descriptor here and in the server started from here:
// take the hard limit, so that 10,000 connections do not need a ulimit first.
void raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"loadgen - scripted WebSocket conversations against a server on loopback"};
  app.add_option("--url", o.url, "ws://127.0.0.1:PORT/ws of a running server");
  app.add_option("-c,--connections", o.connections, "connections")
      ->check(CLI::Range(std::size_t{1}, kMaxConnections));
  app.add_option("-t,--threads", o.threads, "client threads (one io_context each)")
      ->check(CLI::Range(1u, 64u));
  app.add_option("--shape", o.shape, "closed | paced | idle")
      ->check(CLI::IsMember({"closed", "paced", "idle"}));
  app.add_option("--think", o.think_s, "paced: mean seconds between a connection's turns")
      ->check(CLI::Range(0.001, 60.0));
  app.add_option("--warmup", o.warmup_s, "seconds of load before measuring (idle: settle time)")
      ->check(CLI::Range(0.0, kMaxSeconds));
  app.add_option("-d,--duration", o.duration_s, "measured seconds")
      ->check(CLI::Range(0.1, kMaxSeconds));
  app.add_option("--drain", o.drain_s, "seconds to wait for the last answers")
      ->check(CLI::Range(0.0, 60.0));
  app.add_option("--server-pid", o.server_pid, "pid of a running server, for RSS and CPU");
  app.add_option("--ready", o.ready, "spawned server is ready when: healthz | tcp")
      ->check(CLI::IsMember({"healthz", "tcp"}));
  app.add_option("--server-log", o.server_log, "where a spawned server's output goes");
  app.add_option("--cold-start", o.cold_start, "only measure N cold starts of the command")
      ->check(CLI::Range(1, 1000));
  app.add_flag("--check", o.check,
               "exit 1 unless every turn got its answer, in order, without errors");
  app.add_option("--label", o.label, "a name for the RESULT line");
  app.add_option("command", o.command, "server command after --, with {port}");
  CLI11_PARSE(app, argc, argv);
  raise_descriptor_limit();

  const auto how = o.ready == "tcp" ? gb::Readiness::kTcp : gb::Readiness::kHealthz;
  if (o.cold_start > 0) {
    if (o.command.empty())
      return std::fprintf(stderr, "loadgen: --cold-start needs a command\n"), 2;
    return cold_start(o, how);
  }

  gb::RunConfig config;
  config.connections = o.connections;
  config.threads = o.threads;
  config.shape = o.shape == "paced"  ? gb::Shape::kPaced
                 : o.shape == "idle" ? gb::Shape::kIdle
                                     : gb::Shape::kClosed;
  config.think = ms(o.think_s);
  config.warmup = ms(o.warmup_s);
  config.duration = ms(o.duration_s);
  config.drain = ms(o.drain_s);

  gb::ServerProcess server;
  pid_t pid = o.server_pid;
  if (!o.command.empty()) {
    auto port = gb::free_port();
    if (!port) return std::fprintf(stderr, "loadgen: %s\n", port.error().c_str()), 2;
    if (auto st = server.spawn(o.command, *port, o.server_log); !st.ok()) {
      return std::fprintf(stderr, "loadgen: %s\n", st.error().c_str()), 2;
    }
    auto ready = server.wait_ready(how, std::chrono::milliseconds(30000));
    if (!ready) return std::fprintf(stderr, "loadgen: %s\n", ready.error().c_str()), 2;
    config.port = *port;
    pid = server.pid();
  } else {
    std::string why;
    if (o.url.empty() || !parse_url(o.url, config, why)) {
      std::fprintf(stderr, "loadgen: %s\n",
                   o.url.empty() ? "give --url or a server command after --" : why.c_str());
      return 2;
    }
  }

  auto report = gb::run_load(config, pid);
  server.stop();
  if (!report) return std::fprintf(stderr, "loadgen: %s\n", report.error().c_str()), 2;
  print_report(o, *report);
  if (o.check && !clean(*report, o)) {
    std::fprintf(stderr, "loadgen: FAILED: not every turn got its answer cleanly\n");
    return 1;
  }
  return 0;
}
