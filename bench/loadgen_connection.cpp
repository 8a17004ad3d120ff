#include "loadgen_connection.hpp"

#include <algorithm>
#include <random>

#include <boost/asio/buffer.hpp>

#include "loadgen_worker.hpp"

namespace guidechat::bench {

namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

Connection::Connection(net::io_context& ioc, Worker& worker, std::uint64_t index)
    : worker_(worker), ws_(ioc), timer_(ioc), conversation_(index) {}

void Connection::connect(const tcp::endpoint& endpoint) {
  beast::get_lowest_layer(ws_).async_connect(
      endpoint, [self = shared_from_this(), endpoint](beast::error_code ec) {
        if (ec) return self->connect_failed();
        beast::get_lowest_layer(self->ws_).socket().set_option(tcp::no_delay(true), ec);
        self->ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::client));
        std::string host = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
        self->ws_.async_handshake(host, self->worker_.config().path, [self](beast::error_code ec2) {
          if (ec2) return self->connect_failed();
          self->open_ = true;
          self->worker_.on_connect_done(true);
          self->read();
        });
      });
}

void Connection::connect_failed() {
  worker_.on_connect_done(false);
  mark_done();
}

void Connection::read() {
  ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (ec) return self->fail();
    const auto data = self->buffer_.cdata();
    self->on_frame(std::string_view(static_cast<const char*>(data.data()), data.size()));
    self->buffer_.consume(self->buffer_.size());
    self->read();
  });
}

void Connection::on_frame(std::string_view frame) {
  const std::int64_t now = now_ns();
  Stats& stats = worker_.stats();
  FrameView view;
  if (!scan_frame(frame, view)) {
    ++stats.bad_frames;
    if (waiting_id_ != 0) answered();
    return;
  }
  if (view.type == "welcome") {
    ++stats.welcomes;
    conversation_.observe(view);
    return;
  }
  if (view.type == "error") {
    ++stats.errors;
    ++stats.error_codes[std::string(view.code)];
  }
  if (waiting_id_ == 0) {
    ++stats.unexpected;
    return;
  }
  // Every turn carries an id, so every answer must carry it back.
  if (!view.correlation) {
    ++stats.uncorrelated;
  } else if (*view.correlation != waiting_id_) {
    ++stats.misordered;
  }
  ++stats.all_replies;
  if (worker_.window().contains(now)) {
    ++stats.turns;
    const std::int64_t latency = std::clamp<std::int64_t>(now - sent_ns_, 0, UINT32_MAX);
    stats.latencies_ns.push_back(static_cast<std::uint32_t>(latency));
  }
  conversation_.observe(view);
  answered();
}

// The waiting turn has its answer: plan the next one.
void Connection::answered() {
  waiting_id_ = 0;
  worker_.waiting.fetch_sub(1, std::memory_order_relaxed);
  if (!turns_on_) return;
  if (worker_.config().shape == Shape::kClosed) return send_turn();
  std::uniform_real_distribution<double> jitter(0.5, 1.5);
  const auto think_ns = static_cast<double>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(worker_.config().think).count());
  due_ns_ += static_cast<std::int64_t>(think_ns * jitter(worker_.rng()));
  const std::int64_t now = now_ns();
  if (due_ns_ < now) {
    // The answer came after the next turn was due: a person would wait too.
    ++worker_.stats().late_sends;
    due_ns_ = now;
  }
  schedule(due_ns_);
}

void Connection::schedule(std::int64_t due_ns) {
  timer_.expires_after(std::chrono::nanoseconds(due_ns - now_ns()));
  timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->send_turn();
  });
}

void Connection::begin_turns() {
  if (!open_) return;
  turns_on_ = true;
  if (worker_.config().shape == Shape::kClosed) return send_turn();
  // Spread the first turns over one think time so connections never fire together.
  const auto think_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(worker_.config().think).count();
  std::uniform_int_distribution<std::int64_t> offset(0, think_ns);
  due_ns_ = now_ns() + offset(worker_.rng());
  schedule(due_ns_);
}

void Connection::send_turn() {
  if (!turns_on_ || !open_ || waiting_id_ != 0) return;
  if (writing_) {
    // The previous frame's write has not completed yet; Beast allows one write at a time.
    send_after_write_ = true;
    return;
  }
  out_ = conversation_.next_frame(next_id_);
  waiting_id_ = next_id_++;
  worker_.waiting.fetch_add(1, std::memory_order_relaxed);
  sent_ns_ = now_ns();
  if (worker_.window().contains(sent_ns_)) ++worker_.stats().sent;
  writing_ = true;
  ws_.text(true);
  ws_.async_write(net::buffer(out_),
                  [self = shared_from_this()](beast::error_code ec, std::size_t) {
                    self->writing_ = false;
                    if (ec) return self->fail();
                    if (self->send_after_write_) {
                      self->send_after_write_ = false;
                      self->send_turn();
                    }
                  });
}

void Connection::stop_turns() {
  turns_on_ = false;
  timer_.cancel();
}

void Connection::fail() {
  if (!open_) return;
  open_ = false;
  timer_.cancel();
  if (!closing_) {
    ++worker_.stats().connection_errors;
    if (waiting_id_ != 0) {
      ++worker_.stats().lost;
      waiting_id_ = 0;
      worker_.waiting.fetch_sub(1, std::memory_order_relaxed);
    }
  }
  mark_done();
}

void Connection::mark_done() {
  if (done_) return;
  done_ = true;
  worker_.on_closed();
}

void Connection::finish_and_close() {
  turns_on_ = false;
  timer_.cancel();
  if (waiting_id_ != 0) {
    ++worker_.stats().lost;
    waiting_id_ = 0;
    worker_.waiting.fetch_sub(1, std::memory_order_relaxed);
  }
  if (!open_) return mark_done();
  if (closing_) return;
  closing_ = true;
  if (writing_) {
    // A write that never completed: no clean close is possible.
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    return;
  }
  // The pending read completes with `closed` once the server answers the close.
  ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](beast::error_code) {
    beast::error_code ignored;
    beast::get_lowest_layer(self->ws_).socket().close(ignored);
  });
}

}  // namespace guidechat::bench
