#include "ws_client.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

namespace guidechat::hardening {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using tcp = net::ip::tcp;

nlohmann::json Frame::json() const {
  if (kind != Kind::kText) return nlohmann::json(nlohmann::json::value_t::discarded);
  return nlohmann::json::parse(data, nullptr, /*allow_exceptions=*/false);
}

struct WsClient::Impl {
  net::io_context ioc;
  websocket::stream<beast::tcp_stream> ws{ioc};
  beast::flat_buffer buffer;
  bool broken = false;  // a failed or timed-out operation leaves the stream unusable

  // Runs the io_context until `done`; false when it ran out of work first.
  bool wait(const bool& done) {
    ioc.restart();
    while (!done) {
      if (ioc.run_one() == 0) return false;
    }
    return true;
  }

  beast::error_code run_op(std::chrono::milliseconds timeout, auto start) {
    if (broken) return net::error::not_connected;
    beast::error_code result;
    bool done = false;
    beast::get_lowest_layer(ws).expires_after(timeout);
    start([&](beast::error_code ec, auto&&...) {
      result = ec;
      done = true;
    });
    if (!wait(done)) result = net::error::operation_aborted;
    if (result) broken = true;
    return result;
  }
};

WsClient::WsClient() : impl_(std::make_unique<Impl>()) {}

WsClient::~WsClient() {
  beast::error_code ec;
  beast::get_lowest_layer(impl_->ws).socket().close(ec);
}

std::unique_ptr<WsClient> WsClient::connect(std::uint16_t port, const Options& options,
                                            int* http_status, std::string* error) {
  if (http_status) *http_status = 0;
  auto fail = [&](std::string why) -> std::unique_ptr<WsClient> {
    if (error) *error = std::move(why);
    return nullptr;
  };
  std::unique_ptr<WsClient> c(new WsClient());
  c->options_ = options;
  Impl& s = *c->impl_;
  auto& sock = beast::get_lowest_layer(s.ws).socket();
  beast::error_code ec;
  sock.open(tcp::v4(), ec);
  if (ec) return fail("open: " + ec.message());
  if (!options.bind_ip.empty()) {
    sock.bind(tcp::endpoint(net::ip::make_address(options.bind_ip), 0), ec);
    if (ec) return fail("bind: " + ec.message());
  }
  const tcp::endpoint server(net::ip::make_address("127.0.0.1"), port);
  ec = s.run_op(options.timeout, [&](auto handler) {
    beast::get_lowest_layer(s.ws).async_connect(server, handler);
  });
  if (ec) return fail("connect: " + ec.message());

  s.ws.set_option(
      websocket::stream_base::decorator([origin = options.origin](websocket::request_type& req) {
        if (!origin.empty()) req.set(http::field::origin, origin);
      }));
  s.ws.auto_fragment(false);
  s.ws.read_message_max(64 * 1024 * 1024);
  websocket::response_type res;
  const std::string host =
      options.host.empty() ? "127.0.0.1:" + std::to_string(port) : options.host;
  ec = s.run_op(options.timeout,
                [&](auto handler) { s.ws.async_handshake(res, host, options.target, handler); });
  if (ec) {
    if (http_status) *http_status = static_cast<int>(res.result_int());
    return fail("handshake: " + ec.message() + " (HTTP " + std::to_string(res.result_int()) + ")");
  }
  if (http_status) *http_status = static_cast<int>(res.result_int());
  Frame welcome = c->read();
  c->welcome_ = welcome.json();
  if (!c->welcome_.is_object() || c->welcome_.value("type", "") != "welcome") {
    return fail("no welcome frame (got: " + welcome.data + welcome.error + ")");
  }
  c->session_ = c->welcome_.value("session", "");
  return c;
}

bool WsClient::send_text(std::string_view data) {
  impl_->ws.text(true);
  return !impl_->run_op(options_.timeout, [&](auto handler) {
    impl_->ws.async_write(net::buffer(data.data(), data.size()), handler);
  });
}

bool WsClient::send_binary(std::string_view data) {
  impl_->ws.binary(true);
  return !impl_->run_op(options_.timeout, [&](auto handler) {
    impl_->ws.async_write(net::buffer(data.data(), data.size()), handler);
  });
}

bool WsClient::send_fragments(const std::vector<std::string>& pieces, bool binary,
                              bool ping_between) {
  impl_->ws.binary(binary);
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    const bool fin = i + 1 == pieces.size();
    if (impl_->run_op(options_.timeout, [&](auto handler) {
          impl_->ws.async_write_some(fin, net::buffer(pieces[i]), handler);
        })) {
      return false;
    }
    if (ping_between && !fin && !ping("between fragments")) return false;
  }
  return true;
}

bool WsClient::ping(std::string_view payload) {
  websocket::ping_data data(payload.substr(0, 125));
  return !impl_->run_op(options_.timeout,
                        [&](auto handler) { impl_->ws.async_ping(data, handler); });
}

Frame WsClient::read() {
  return read(options_.timeout);
}

Frame WsClient::read(std::chrono::milliseconds timeout) {
  Frame f;
  if (impl_->broken) {
    f.error = "connection already failed";
    return f;
  }
  impl_->buffer.consume(impl_->buffer.size());
  beast::error_code ec =
      impl_->run_op(timeout, [&](auto handler) { impl_->ws.async_read(impl_->buffer, handler); });
  if (!ec) {
    f.kind = impl_->ws.got_binary() ? Frame::Kind::kBinary : Frame::Kind::kText;
    f.data = beast::buffers_to_string(impl_->buffer.data());
    if (f.kind == Frame::Kind::kText) {
      auto j = f.json();
      if (j.is_object() && j.contains("session") && j["session"].is_string()) {
        session_ = j["session"].get<std::string>();
      }
    }
    return f;
  }
  if (ec == websocket::error::closed) {
    f.kind = Frame::Kind::kClosed;
    f.close_code = impl_->ws.reason().code;
    return f;
  }
  f.kind = ec == beast::error::timeout ? Frame::Kind::kTimeout : Frame::Kind::kError;
  f.error = ec.message();
  return f;
}

nlohmann::json WsClient::request(const nlohmann::json& message) {
  if (!send_text(message.dump())) return nlohmann::json(nlohmann::json::value_t::discarded);
  return read().json();
}

void WsClient::close() {
  impl_->run_op(testing::scaled(std::chrono::milliseconds(1000)), [&](auto handler) {
    impl_->ws.async_close(websocket::close_code::normal, handler);
  });
}

bool fresh_client_answered(std::uint16_t port, std::chrono::microseconds* latency,
                           const std::string& bind_ip) {
  WsClient::Options options;
  options.bind_ip = bind_ip;
  auto c = WsClient::connect(port, options);
  if (!c) return false;
  const auto started = std::chrono::steady_clock::now();
  auto reply = c->request({{"type", "say"}, {"id", "probe"}, {"text", "what is facial spasm?"}});
  if (latency) {
    *latency = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
  }
  c->close();
  return reply.is_object() && reply.value("type", "") == "reply" &&
         reply.value("reply_to", "") == "probe";
}

}  // namespace guidechat::hardening
