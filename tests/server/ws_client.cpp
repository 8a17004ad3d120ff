#include "ws_client.hpp"

#include <algorithm>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>

namespace guidechat::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Runs `ioc` until `done` or the deadline; on timeout closes `socket`, lets
// the cancelled handlers run, and reports a timeout.
template <typename Socket>
beast::error_code run_until(net::io_context& ioc, Socket& socket, bool& done,
                            beast::error_code& result, std::chrono::milliseconds timeout) {
  ioc.restart();
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done && std::chrono::steady_clock::now() < deadline) {
    ioc.run_one_until(deadline);
  }
  if (!done) {
    beast::error_code ignored;
    socket.close(ignored);
    ioc.restart();
    ioc.run();
    return beast::error::timeout;
  }
  return result;
}

tcp::endpoint loopback(std::uint16_t port) {
  return tcp::endpoint(net::ip::make_address("127.0.0.1"), port);
}

}  // namespace

HttpReply http_request(std::uint16_t port, std::string_view method, std::string_view target,
                       const std::map<std::string, std::string>& headers,
                       std::chrono::milliseconds timeout) {
  HttpReply reply;
  net::io_context ioc;
  tcp::socket socket(ioc);
  bool done = false;
  beast::error_code result;
  socket.async_connect(loopback(port), [&](beast::error_code ec) {
    result = ec;
    done = true;
  });
  if (auto ec = run_until(ioc, socket, done, result, timeout)) {
    reply.error = "connect: " + ec.message();
    return reply;
  }
  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
  for (const auto& [k, v] : headers) req.set(k, v);
  req.prepare_payload();
  done = false;
  http::async_write(socket, req, [&](beast::error_code ec, std::size_t) {
    result = ec;
    done = true;
  });
  if (auto ec = run_until(ioc, socket, done, result, timeout)) {
    reply.error = "write: " + ec.message();
    return reply;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.skip(method == "HEAD");
  done = false;
  http::async_read(socket, buffer, parser, [&](beast::error_code ec, std::size_t) {
    result = ec;
    done = true;
  });
  if (auto ec = run_until(ioc, socket, done, result, timeout)) {
    reply.error = "read: " + ec.message();
    return reply;
  }
  auto res = parser.release();
  reply.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    std::string name(field.name_string());
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    reply.headers[name] = std::string(field.value());
  }
  reply.body = std::move(res.body());
  return reply;
}

WsClient::WsClient() : ws_(ioc_) {}

template <typename Start>
beast::error_code WsClient::run(std::chrono::milliseconds timeout, Start start) {
  bool done = false;
  beast::error_code result;
  start([&](beast::error_code ec) {
    result = ec;
    done = true;
  });
  return run_until(ioc_, beast::get_lowest_layer(ws_).socket(), done, result, timeout);
}

std::unique_ptr<WsClient> WsClient::connect_welcomed(std::uint16_t port) {
  auto c = connect(port);
  if (!c || c->receive_json()["type"] != "welcome") return nullptr;
  return c;
}

std::unique_ptr<WsClient> WsClient::connect(std::uint16_t port, const Options& options,
                                            int* refused_status, std::string* error) {
  std::unique_ptr<WsClient> c(new WsClient());
  auto fail = [&](std::string what) -> std::unique_ptr<WsClient> {
    if (error) *error = std::move(what);
    return nullptr;
  };
  auto ec = c->run(options.timeout, [&](auto done) {
    beast::get_lowest_layer(c->ws_).async_connect(loopback(port), done);
  });
  if (ec) return fail("connect: " + ec.message());
  c->ws_.set_option(
      websocket::stream_base::decorator([origin = options.origin](websocket::request_type& req) {
        if (!origin.empty()) req.set(http::field::origin, origin);
      }));
  websocket::response_type res;
  ec = c->run(options.timeout, [&](auto done) {
    c->ws_.async_handshake(res, "127.0.0.1:" + std::to_string(port), options.target, done);
  });
  if (ec) {
    if (refused_status) *refused_status = static_cast<int>(res.result_int());
    return fail("handshake: " + ec.message());
  }
  return c;
}

bool WsClient::send(std::string_view text) {
  ws_.text(true);
  auto ec = run(scaled(5s), [&](auto done) {
    ws_.async_write(net::buffer(text.data(), text.size()),
                    [done](beast::error_code ec, std::size_t) mutable { done(ec); });
  });
  if (ec) error_ = "write: " + ec.message();
  return !ec;
}

bool WsClient::send_binary(std::string_view bytes) {
  ws_.binary(true);
  auto ec = run(scaled(5s), [&](auto done) {
    ws_.async_write(net::buffer(bytes.data(), bytes.size()),
                    [done](beast::error_code ec, std::size_t) mutable { done(ec); });
  });
  ws_.text(true);
  if (ec) error_ = "write: " + ec.message();
  return !ec;
}

std::optional<std::string> WsClient::receive(std::chrono::milliseconds timeout) {
  if (closed_) return std::nullopt;
  buffer_.consume(buffer_.size());
  auto ec = run(timeout, [&](auto done) {
    ws_.async_read(buffer_, [done](beast::error_code ec, std::size_t) mutable { done(ec); });
  });
  if (ec) {
    error_ = "read: " + ec.message();
    if (ec == websocket::error::closed) {
      closed_ = true;
      close_code_ = ws_.reason().code;
    } else if (ec != beast::error::timeout) {
      closed_ = true;
    }
    return std::nullopt;
  }
  return beast::buffers_to_string(buffer_.data());
}

nlohmann::json WsClient::receive_json(std::chrono::milliseconds timeout) {
  auto text = receive(timeout);
  if (!text) return nullptr;
  return nlohmann::json::parse(*text, nullptr, false);
}

bool WsClient::close(websocket::close_code code) {
  if (closed_) return true;
  auto ec = run(scaled(5s), [&](auto done) { ws_.async_close(code, done); });
  closed_ = true;
  return !ec;
}

}  // namespace guidechat::testing
