// One load-generator thread: an io_context that runs a share of the
// connections, their Stats and the counters the main thread polls to know
// when every connection is up, answered or closed. Connections are plain
// async state machines on this one io_context (no thread per connection).
//
// Thread-safety: run() owns the io_context's thread. The other public calls
// post onto it and may be made from any thread; the atomics are readable from
// anywhere; stats() only after join().
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "loadgen_config.hpp"
#include "loadgen_stats.hpp"

namespace guidechat::bench {

class Connection;

class Worker {
 public:
  Worker(const RunConfig& config, const Window& window, std::size_t connections,
         std::uint64_t seed);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void start();             // spawns the thread and starts connecting
  void begin_turns();       // every connected connection starts its conversation
  void stop_turns();        // no new turns; answers still awaited are read
  void finish_and_close();  // counts what is still unanswered as lost, closes
  void join();

  std::size_t size() const { return total_; }
  std::atomic<std::size_t> connected{0};
  std::atomic<std::size_t> failed{0};
  std::atomic<std::size_t> closed{0};
  std::atomic<std::int64_t> waiting{0};  // turns sent, not yet answered

  // For the connections of this worker (its thread only).
  const RunConfig& config() const { return config_; }
  const Window& window() const { return window_; }
  Stats& stats() { return stats_; }
  std::mt19937_64& rng() { return rng_; }
  void on_connect_done(bool ok);
  void on_closed();

 private:
  void connect_next();

  const RunConfig& config_;
  const Window& window_;
  std::size_t total_;
  std::size_t launched_ = 0;
  boost::asio::io_context ioc_{1};
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard_;
  boost::asio::ip::tcp::endpoint endpoint_;
  std::vector<std::shared_ptr<Connection>> connections_;
  Stats stats_;
  std::mt19937_64 rng_;
  std::thread thread_;
};

}  // namespace guidechat::bench
