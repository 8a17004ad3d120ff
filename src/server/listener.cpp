#include "server/listener.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>

#include "server/http_session.hpp"
#include "server/logging.hpp"

namespace guidechat::server {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

Listener::Listener(net::io_context& ioc, std::shared_ptr<SharedState> state, unsigned threads)
    : ioc_(ioc),
      threads_(threads),
      strand_(net::make_strand(ioc)),
      acceptor_(strand_),
      backoff_(strand_),
      state_(std::move(state)) {}

Result<std::shared_ptr<Listener>> Listener::open(net::io_context& ioc,
                                                 const tcp::endpoint& endpoint,
                                                 std::shared_ptr<SharedState> state,
                                                 unsigned threads) {
  std::shared_ptr<Listener> l(new Listener(ioc, std::move(state), threads));
  beast::error_code ec;
  auto where = [&] {
    return endpoint.address().to_string() + ":" + std::to_string(endpoint.port()) + ": " +
           ec.message();
  };
  l->acceptor_.open(endpoint.protocol(), ec);
  if (ec) return Error{"cannot open socket for " + where()};
  l->acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return Error{"cannot set SO_REUSEADDR on " + where()};
  l->acceptor_.bind(endpoint, ec);
  if (ec) return Error{"cannot bind " + where()};
  l->acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return Error{"cannot listen on " + where()};
  return l;
}

tcp::endpoint Listener::endpoint() const {
  beast::error_code ec;
  return acceptor_.local_endpoint(ec);
}

void Listener::run() {
  net::dispatch(strand_, beast::bind_front_handler(&Listener::do_accept, shared_from_this()));
}

void Listener::stop() {
  net::post(strand_, [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
    self->backoff_.cancel();
  });
}

void Listener::do_accept() {
  // With several threads, each connection gets its own strand, so its
  // handlers never run at once. With one, they cannot anyway, and a strand
  // would only add a queue and a lock to every handler: 2-3 us of a turn at
  // 1,000 busy connections (docs/benchmarks.md).
  net::any_io_executor executor = ioc_.get_executor();
  if (threads_ > 1) executor = net::make_strand(ioc_);
  acceptor_.async_accept(executor,
                         beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
}

void Listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    // e.g. out of file descriptors: log, and try again shortly rather than
    // spinning on the same error.
    log::warn("accept_error", {{"error", ec.message()}});
    backoff_.expires_after(std::chrono::milliseconds(50));
    backoff_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (!wait_ec && self->acceptor_.is_open()) self->do_accept();
    });
    return;
  } else {
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<HttpSession>(std::move(socket), state_)->run();
  }
  do_accept();
}

}  // namespace guidechat::server
