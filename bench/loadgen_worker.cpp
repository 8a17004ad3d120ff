#include "loadgen_worker.hpp"

#include <boost/asio/post.hpp>

#include "loadgen_connection.hpp"

namespace guidechat::bench {

namespace net = boost::asio;

Worker::Worker(const RunConfig& config, const Window& window, std::size_t connections,
               std::uint64_t seed)
    : config_(config),
      window_(window),
      total_(connections),
      guard_(net::make_work_guard(ioc_)),
      endpoint_(net::ip::make_address(config.host), config.port),
      rng_(seed) {}

Worker::~Worker() {
  guard_.reset();
  ioc_.stop();
  if (thread_.joinable()) thread_.join();
}

void Worker::start() {
  connections_.reserve(total_);
  thread_ = std::thread([this] {
    // The first handshakes start from this thread, so connections_ is only
    // touched here.
    net::post(ioc_, [this] {
      const std::size_t first = std::min(total_, config_.max_connecting);
      for (std::size_t i = 0; i < first; ++i) connect_next();
    });
    ioc_.run();
  });
}

void Worker::connect_next() {
  if (launched_ >= total_) return;
  auto connection = std::make_shared<Connection>(ioc_, *this, rng_());
  connections_.push_back(connection);
  ++launched_;
  connection->connect(endpoint_);
}

void Worker::on_connect_done(bool ok) {
  if (ok) {
    connected.fetch_add(1, std::memory_order_relaxed);
  } else {
    failed.fetch_add(1, std::memory_order_relaxed);
    ++stats_.connect_failures;
  }
  connect_next();
}

void Worker::on_closed() {
  closed.fetch_add(1, std::memory_order_relaxed);
}

void Worker::begin_turns() {
  net::post(ioc_, [this] {
    for (auto& c : connections_) c->begin_turns();
  });
}

void Worker::stop_turns() {
  net::post(ioc_, [this] {
    for (auto& c : connections_) c->stop_turns();
  });
}

void Worker::finish_and_close() {
  net::post(ioc_, [this] {
    for (auto& c : connections_) c->finish_and_close();
  });
}

void Worker::join() {
  guard_.reset();
  ioc_.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace guidechat::bench
