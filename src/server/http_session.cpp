#include "server/http_session.hpp"

#include <algorithm>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/websocket.hpp>

#include "common/limits.hpp"
#include "server/logging.hpp"
#include "server/websocket_session.hpp"

namespace guidechat::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

namespace {

bool is_base64_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

}  // namespace

bool valid_websocket_key(std::string_view key) {
  // RFC 6455 4.1: a random 16-byte value, base64-encoded: 22 characters,
  // the last of which carries only 2 bits (A, Q, g or w), then "==".
  if (key.size() != 24 || !key.ends_with("==")) return false;
  if (!std::all_of(key.begin(), key.begin() + 22, is_base64_char)) return false;
  const char last = key[21];
  return last == 'A' || last == 'Q' || last == 'g' || last == 'w';
}

HttpSession::HttpSession(net::ip::tcp::socket&& socket, std::shared_ptr<SharedState> state)
    : stream_(std::move(socket)), state_(std::move(state)) {
  beast::error_code ec;
  auto ep = stream_.socket().remote_endpoint(ec);
  if (!ec) peer_ip_ = ep.address().to_string();
}

HttpSession::~HttpSession() {
  if (registry_id_ != 0) state_->registry().remove(registry_id_);
}

void HttpSession::acquire_slot() {
  // A trusted proxy's connections carry many clients: they count towards
  // the total here, and against a client's address once a request names it.
  boost::system::error_code ec;
  auto peer = net::ip::make_address(peer_ip_, ec);
  auto ticket = !ec && state_->client_address().trusts(peer)
                    ? state_->limiter().try_acquire_total()
                    : state_->limiter().try_acquire(peer_ip_);
  if (ticket) ticket_ = std::move(*ticket);
}

void HttpSession::run() {
  acquire_slot();
  registry_id_ = state_->registry().add(weak_from_this());
  // The socket's executor is this connection's strand (the io_context
  // itself with one thread): start there.
  net::dispatch(stream_.get_executor(),
                beast::bind_front_handler(&HttpSession::do_read, shared_from_this()));
}

void HttpSession::shutdown() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
    self->stream_.close();
  });
}

void HttpSession::do_read() {
  if (state_->stopping()) return do_close();
  parser_.emplace();
  parser_->header_limit(limits::kMaxHttpHeaderBytes);
  parser_->body_limit(limits::kMaxHttpBodyBytes);
  // The handshake timeout covers the whole first request; a keep-alive
  // connection waits at most the (shorter) keep-alive idle time for the
  // next one, and all of it must arrive within that time.
  auto timeout = state_->options().handshake_timeout;
  if (requests_ > 0) timeout = std::min(timeout, state_->options().keep_alive_idle);
  stream_.expires_after(timeout);
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read, shared_from_this()));
}

void HttpSession::on_read(beast::error_code ec, std::size_t) {
  if (ec == http::error::end_of_stream) return do_close();
  if (ec) {
    // A malformed or oversize request gets a clear status before the close;
    // timeouts and resets just end the connection.
    if (ec.category() == http::make_error_code(http::error::bad_target).category()) {
      log::debug("http_bad_request", {{"peer", peer_ip_}, {"error", ec.message()}});
      auto status = ec == http::error::header_limit ? http::status::request_header_fields_too_large
                    : ec == http::error::body_limit ? http::status::payload_too_large
                                                    : http::status::bad_request;
      HttpRequest blank{http::verb::get, "/", 11};
      auto res = HttpRouter::error(blank, *state_, status, "bad request");
      res.keep_alive(false);
      return send(std::move(res));
    }
    return do_close();
  }
  HttpRequest req = parser_->release();
  ++requests_;
  if (!ticket_.valid()) {
    state_->metrics().refused(Metrics::Refusal::kConnectionLimit);
    log::info("http_refused", {{"peer", peer_ip_}, {"status", 429}, {"reason", "connections"}});
    auto res =
        HttpRouter::error(req, *state_, http::status::too_many_requests, "too many connections");
    res.set(http::field::retry_after, std::to_string(limits::kRetryAfterSeconds));
    res.keep_alive(false);
    return send(std::move(res));
  }
  if (beast::websocket::is_upgrade(req)) return upgrade(std::move(req));
  auto res = HttpRouter::handle(req, *state_);
  // A keep-alive connection is not kept forever: after this many requests
  // the client opens a new one (and is counted again).
  if (requests_ >= limits::kMaxRequestsPerConnection) res.keep_alive(false);
  send(std::move(res));
}

void HttpSession::upgrade(HttpRequest req) {
  auto refuse = [&](http::status status, std::string_view why, Metrics::Refusal reason) {
    state_->metrics().refused(reason);
    log::info("ws_refused",
              {{"peer", peer_ip_}, {"status", static_cast<int>(status)}, {"reason", why}});
    auto res = HttpRouter::error(req, *state_, status, why);
    if (status == http::status::too_many_requests) {
      res.set(http::field::retry_after, std::to_string(limits::kRetryAfterSeconds));
    }
    res.keep_alive(false);
    send(std::move(res));
  };
  std::string_view target = req.target();
  if (target.substr(0, target.find('?')) != "/ws") {
    return refuse(http::status::not_found, "no WebSocket endpoint here; use /ws",
                  Metrics::Refusal::kBadPath);
  }
  if (!valid_websocket_key(req[http::field::sec_websocket_key])) {
    return refuse(http::status::bad_request, "Sec-WebSocket-Key must be 16 bytes in base64",
                  Metrics::Refusal::kBadHandshake);
  }
  // Behind a trusted proxy (--trust-proxy), the address it forwarded.
  peer_ip_ = state_->client_address().resolve(peer_ip_, req);
  if (!state_->origins().allowed(req[http::field::origin], req[http::field::host])) {
    return refuse(http::status::forbidden, "origin not allowed", Metrics::Refusal::kOrigin);
  }
  if (state_->stopping()) {
    return refuse(http::status::service_unavailable, "server is shutting down",
                  Metrics::Refusal::kConnectionLimit);
  }
  // Over a limit is the client's doing, not the replica's: 429, which a
  // proxy passes on instead of taking this replica for a failed one (503 is
  // kept for "shutting down", when the proxy should try the next replica).
  if (!state_->limiter().attach(ticket_, peer_ip_)) {
    return refuse(http::status::too_many_requests, "too many connections",
                  Metrics::Refusal::kConnectionLimit);
  }
  // The WebSocket session takes the socket (and its strand) and the
  // connection slot over; this object ends when the handler returns.
  stream_.expires_never();
  std::make_shared<WebSocketSession>(stream_.release_socket(), state_, std::move(ticket_), peer_ip_)
      ->run(std::move(req));
}

void HttpSession::send(HttpResponse res) {
  bool keep_alive = res.keep_alive() && !state_->stopping();
  res.keep_alive(keep_alive);
  response_ = std::make_shared<HttpResponse>(std::move(res));
  stream_.expires_after(state_->options().handshake_timeout);
  http::async_write(
      stream_, *response_,
      beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), keep_alive));
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  response_.reset();
  if (ec) return do_close();
  if (!keep_alive) return do_close();
  do_read();
}

void HttpSession::do_close() {
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
}

}  // namespace guidechat::server
