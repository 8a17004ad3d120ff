// echo_server: the smallest correct Boost.Beast WebSocket echo server, built
// with the same compiler flags as guidechat. It is the reference for "the
// most one Beast server can do on this machine": every text frame that
// arrives is written back unchanged, nothing else happens.
//
//   echo_server --port 9000 [--threads 1]
//
// Thread-safety: with --threads 1 (the benchmark's setting, like guidechat's)
// everything runs on one thread and sessions use the io_context directly, as
// guidechat's do; with more, each session lives on a strand.
#include <csignal>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// The same frame limit as guidechat (limits::kMaxMessageBytes).
constexpr std::size_t kMaxMessageBytes = 16 * 1024;

class Session : public std::enable_shared_from_this<Session> {
 public:
  explicit Session(tcp::socket&& socket) : ws_(std::move(socket)) {}

  void run() {
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.read_message_max(kMaxMessageBytes);
    ws_.async_accept([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->read();
    });
  }

 private:
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;  // closed or broken: the session ends
      self->ws_.text(self->ws_.got_text());
      self->ws_.async_write(self->buffer_.data(), [self](beast::error_code ec2, std::size_t) {
        if (ec2) return;
        self->buffer_.consume(self->buffer_.size());
        self->read();
      });
    });
  }

  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, tcp::acceptor&& acceptor, unsigned threads)
      : ioc_(ioc), acceptor_(std::move(acceptor)), backoff_(ioc), threads_(threads) {}

  void accept() {
    auto on_accept = [self = shared_from_this()](beast::error_code ec, tcp::socket s) {
      if (ec) {
        // Out of descriptors, say: wait a little instead of spinning.
        self->backoff_.expires_after(std::chrono::milliseconds(50));
        self->backoff_.async_wait([self](beast::error_code) { self->accept(); });
        return;
      }
      s.set_option(tcp::no_delay(true), ec);
      std::make_shared<Session>(std::move(s))->run();
      self->accept();
    };
    // One thread: no strand needed (the same choice as guidechat's listener).
    net::any_io_executor executor = ioc_.get_executor();
    if (threads_ > 1) executor = net::make_strand(ioc_);
    acceptor_.async_accept(executor, std::move(on_accept));
  }

 private:
  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer backoff_;
  unsigned threads_;
};

}  // namespace

int main(int argc, char** argv) {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9000;
  unsigned threads = 1;
  CLI::App app{"echo_server - the reference Beast WebSocket echo server"};
  app.add_option("--host", host, "address to listen on");
  app.add_option("--port", port, "port to listen on");
  app.add_option("--threads", threads, "I/O threads")->check(CLI::Range(1u, 64u));
  CLI11_PARSE(app, argc, argv);

  net::io_context ioc(static_cast<int>(threads));
  beast::error_code ec;
  tcp::acceptor acceptor(ioc);
  const tcp::endpoint endpoint(net::ip::make_address(host, ec), port);
  if (!ec) acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    std::fprintf(stderr, "echo_server: cannot listen on %s:%u: %s\n", host.c_str(), port,
                 ec.message().c_str());
    return 1;
  }
  std::make_shared<Listener>(ioc, std::move(acceptor), threads)->accept();

  net::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](beast::error_code, int) { ioc.stop(); });

  std::vector<std::thread> pool;
  for (unsigned i = 1; i < threads; ++i) pool.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
  return 0;
}
