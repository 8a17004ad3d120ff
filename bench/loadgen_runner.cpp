#include "loadgen_runner.hpp"

#include <time.h>

#include <memory>
#include <thread>
#include <vector>

#include "loadgen_server.hpp"
#include "loadgen_worker.hpp"

namespace guidechat::bench {
namespace {

std::int64_t process_cpu_us() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

void sleep_until_ns(std::int64_t t) {
  const std::int64_t now = now_ns();
  if (t > now) std::this_thread::sleep_for(std::chrono::nanoseconds(t - now));
}

// Polls `done` every few milliseconds until it holds or `timeout` passes.
template <typename F>
bool wait_for(F&& done, std::chrono::milliseconds timeout) {
  const std::int64_t give_up = now_ns() + timeout.count() * 1'000'000;
  while (!done()) {
    if (now_ns() >= give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace

Result<Report> run_load(const RunConfig& config, pid_t server_pid) {
  if (config.connections == 0 || config.threads == 0) return Error{"nothing to run"};
  Report report;
  Window window;
  if (server_pid > 0) report.rss_before_kib = rss_kib(server_pid);

  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned i = 0; i < config.threads; ++i) {
    const std::size_t share =
        config.connections / config.threads + (i < config.connections % config.threads ? 1 : 0);
    if (share == 0) continue;
    workers.push_back(std::make_unique<Worker>(config, window, share, 0x5eed + i));
  }
  auto sum = [&](auto field) {
    std::int64_t total = 0;
    for (auto& w : workers) total += static_cast<std::int64_t>(((*w).*field).load());
    return total;
  };
  const auto all = static_cast<std::int64_t>(config.connections);

  const std::int64_t connect_start = now_ns();
  for (auto& w : workers) w->start();
  const bool all_up =
      wait_for([&] { return sum(&Worker::connected) + sum(&Worker::failed) >= all; },
               config.connect_timeout);
  report.connect_seconds = static_cast<double>(now_ns() - connect_start) / 1e9;
  report.connected = static_cast<std::size_t>(sum(&Worker::connected));

  if (all_up && report.connected > 0) {
    std::int64_t begin = now_ns();
    if (config.shape == Shape::kIdle) {
      // Let the welcomes go out and the server settle, then look at its memory.
      begin += std::chrono::duration_cast<std::chrono::nanoseconds>(config.warmup).count();
      sleep_until_ns(begin);
      report.seconds = 0;
    } else {
      const std::int64_t warm = begin + config.warmup.count() * 1'000'000;
      const std::int64_t end = warm + config.duration.count() * 1'000'000;
      window.begin.store(warm);
      window.end.store(end);
      for (auto& w : workers) w->begin_turns();
      sleep_until_ns(warm);
      const std::int64_t server_cpu0 = server_pid > 0 ? cpu_us(server_pid) : 0;
      const std::int64_t server_wait0 = server_pid > 0 ? run_delay_us(server_pid) : 0;
      const std::int64_t client_cpu0 = process_cpu_us();
      sleep_until_ns(end);
      report.server_cpu_us = server_pid > 0 ? cpu_us(server_pid) - server_cpu0 : 0;
      report.server_wait_us = server_pid > 0 ? run_delay_us(server_pid) - server_wait0 : 0;
      report.client_cpu_us = process_cpu_us() - client_cpu0;
      report.seconds = static_cast<double>(end - warm) / 1e9;
      for (auto& w : workers) w->stop_turns();
      wait_for([&] { return sum(&Worker::waiting) <= 0; }, config.drain);
    }
  }
  if (server_pid > 0) {
    report.rss_after_kib = rss_kib(server_pid);
    report.peak_rss_kib = peak_rss_kib(server_pid);
  }
  for (auto& w : workers) w->finish_and_close();
  wait_for([&] { return sum(&Worker::closed) >= all; }, std::chrono::milliseconds(5000));
  for (auto& w : workers) {
    w->join();
    report.stats.merge(w->stats());
  }
  if (!all_up) {
    return Error{"only " + std::to_string(report.connected) + " of " +
                 std::to_string(config.connections) + " connections opened in time"};
  }
  return report;
}

}  // namespace guidechat::bench
