// Accepts TCP connections on the server's address and starts an HttpSession
// for each, on its own strand (or, when one thread runs the server, straight
// on the io_context).
//
// Thread-safety: runs on its own strand; stop() may be called from any thread.
#pragma once

#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/error.hpp>

#include "common/result.hpp"
#include "server/shared_state.hpp"

namespace guidechat::server {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Opens, binds and listens; an error names the address when it fails.
  // `threads` is how many threads run `ioc`.
  static Result<std::shared_ptr<Listener>> open(boost::asio::io_context& ioc,
                                                const boost::asio::ip::tcp::endpoint& endpoint,
                                                std::shared_ptr<SharedState> state,
                                                unsigned threads);

  void run();
  void stop();
  // The bound endpoint (the real port when 0 was asked for).
  boost::asio::ip::tcp::endpoint endpoint() const;

 private:
  Listener(boost::asio::io_context& ioc, std::shared_ptr<SharedState> state, unsigned threads);
  void do_accept();
  void on_accept(boost::beast::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  unsigned threads_;
  boost::asio::strand<boost::asio::io_context::executor_type> strand_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer backoff_;  // after an accept error (e.g. out of descriptors)
  std::shared_ptr<SharedState> state_;
};

}  // namespace guidechat::server
