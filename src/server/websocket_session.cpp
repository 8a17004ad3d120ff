#include "server/websocket_session.hpp"

#include <algorithm>
#include <chrono>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

#include "common/limits.hpp"
#include "protocol/codec.hpp"
#include "server/logging.hpp"

namespace guidechat::server {

namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace net = boost::asio;
using protocol::ErrorCode;

WebSocketSession::WebSocketSession(net::ip::tcp::socket&& socket,
                                   std::shared_ptr<SharedState> state,
                                   ConnectionLimiter::Ticket ticket, std::string peer_ip)
    : ws_(std::move(socket)),
      state_(std::move(state)),
      ticket_(std::move(ticket)),
      peer_ip_(std::move(peer_ip)),
      conversation_(state_->sealer(),
                    std::chrono::duration_cast<std::chrono::seconds>(limits::kSessionTtl)),
      rate_(state_->options().rate, state_->options().burst, std::chrono::steady_clock::now()),
      drain_timer_(ws_.get_executor()),
      opened_(std::chrono::steady_clock::now()) {
  conversation_.set_max_say_bytes(state_->options().max_say_bytes);
}

WebSocketSession::~WebSocketSession() {
  if (registry_id_ != 0) state_->registry().remove(registry_id_);
  if (accepted_) {
    state_->metrics().connection_closed();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  std::chrono::steady_clock::now() - opened_)
                  .count();
    log::info("ws_close", {{"peer", peer_ip_}, {"turns", turns_}, {"duration_ms", ms}});
  }
}

namespace {

// "?guide=tinnitus" of the WebSocket URL: an embed kept to one guide
// (docs/embedding.md). Only a plain id is taken; anything else is ignored.
std::string guide_of(std::string_view target) {
  auto q = target.find('?');
  if (q == std::string_view::npos) return {};
  std::string_view query = target.substr(q + 1);
  for (std::size_t at = 0; at <= query.size();) {
    std::size_t end = std::min(query.find('&', at), query.size());
    std::string_view pair = query.substr(at, end - at);
    if (pair.starts_with("guide=")) {
      std::string_view id = pair.substr(6);
      bool plain = !id.empty() && id.size() <= limits::kMaxNameChars &&
                   std::all_of(id.begin(), id.end(), [](char c) {
                     return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
                   });
      return plain ? std::string(id) : std::string();
    }
    at = end + 1;
  }
  return {};
}

}  // namespace

void WebSocketSession::run(HttpRequest req) {
  conversation_.keep_to_guide(guide_of(req.target()));
  const auto& opt = state_->options();
  websocket::stream_base::timeout timeouts =
      websocket::stream_base::timeout::suggested(beast::role_type::server);
  timeouts.handshake_timeout = opt.handshake_timeout;
  timeouts.idle_timeout = opt.idle_timeout;
  timeouts.keep_alive_pings = true;
  ws_.set_option(timeouts);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(beast::http::field::server, "guidechat"); }));
  // Oversize messages are caught by on_read below (so the client gets a
  // too_large frame); this cap only stops absurd frames outright.
  ws_.read_message_max(std::max(limits::kMaxFrameHardBytes, opt.max_message_bytes * 4));
  ws_.auto_fragment(false);
  ws_.text(true);
  // Beast refuses most close codes RFC 6455 forbids (1004-1006, 1015, under
  // 1000, 1016-2999) with 1002, but would echo one of 5000 or more.
  ws_.control_callback([this](websocket::frame_type kind, beast::string_view) {
    if (kind == websocket::frame_type::close) on_close_frame();
  });
  registry_id_ = state_->registry().add(weak_from_this());
  ws_.async_accept(req,
                   beast::bind_front_handler(&WebSocketSession::on_accept, shared_from_this()));
}

void WebSocketSession::shutdown() {
  net::post(ws_.get_executor(), [self = shared_from_this()] { self->start_drain(); });
}

void WebSocketSession::start_drain() {
  if (!accepted_) {
    beast::get_lowest_layer(ws_).close();
    return;
  }
  if (draining_ || close_code_ || closing_) return;
  draining_ = true;
  // Messages that have arrived are answered before the 1001 close: the
  // client cannot know which of them were read. Reading goes on until none
  // has come for a short while (also what a proxy was still passing on when
  // the shutdown began); the close then discards only what comes later.
  if (!reading_) return close_after_writes(websocket::close_code::going_away);
  arm_drain_timer();
}

void WebSocketSession::arm_drain_timer() {
  // Re-armed after every message answered: the drain ends once nothing has
  // come for this long (the server's grace period bounds it in any case).
  drain_timer_.expires_after(limits::kShutdownDrain);
  drain_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (!ec) self->close_after_writes(websocket::close_code::going_away);
  });
}

void WebSocketSession::fail(beast::error_code ec, std::string_view what) {
  // The peer went away or we closed on purpose: nothing worth a log line.
  if (ec == net::error::operation_aborted || ec == websocket::error::closed ||
      ec == net::error::eof || ec == net::error::connection_reset || ec == beast::error::timeout) {
    if (ec == beast::error::timeout) log::debug("ws_timeout", {{"peer", peer_ip_}});
    return;
  }
  log::debug("ws_error", {{"peer", peer_ip_}, {"op", what}, {"error", ec.message()}});
}

void WebSocketSession::on_accept(beast::error_code ec) {
  if (ec) return fail(ec, "accept");
  accepted_ = true;
  state_->metrics().connection_opened();
  log::info("ws_open", {{"peer", peer_ip_}});
  auto content = state_->content();
  send(conversation_.welcome(*content->engine, session::Clock::now()).frame);
  do_read();
}

void WebSocketSession::do_read() {
  // Read at most one byte past the limit, so an oversize message is noticed
  // without buffering it.
  std::size_t max = state_->options().max_message_bytes;
  std::size_t room = max + 1 - std::min(buffer_.size(), max);
  ws_.async_read_some(buffer_, room,
                      beast::bind_front_handler(&WebSocketSession::on_read, shared_from_this()));
}

void WebSocketSession::on_read(beast::error_code ec, std::size_t) {
  if (ec) {
    reading_ = false;
    return fail(ec, "read");
  }
  if (!message_started_) {
    message_started_ = true;
    message_binary_ = ws_.got_binary();
  }
  if (buffer_.size() > state_->options().max_message_bytes) {
    // Stop reading: the close handshake discards the rest of the message.
    reading_ = false;
    auto out = conversation_.refuse(ErrorCode::kTooLarge,
                                    "message is larger than " +
                                        std::to_string(state_->options().max_message_bytes) +
                                        " bytes; the connection will be closed");
    state_->metrics().error(ErrorCode::kTooLarge);
    log::info("ws_too_large", {{"peer", peer_ip_}});
    send(std::move(out.frame));
    return close_after_writes(websocket::close_code::too_big);
  }
  if (!ws_.is_message_done()) return do_read();
  on_message();
  buffer_.consume(buffer_.size());
  message_started_ = false;
  if (!reading_ || close_code_) return;
  if (draining_) arm_drain_timer();
  if (queue_.empty()) return do_read();
  // The reply's write usually completes at once, and its handler runs
  // before anything posted now. Reading from there, instead of right away,
  // spares a recv() that would almost always find nothing yet: at 100 busy
  // connections that was 0.6 failed system calls per turn. A write that
  // does not complete (a client not reading) still gets the read started
  // here, so its queue keeps growing to the slow-reader limit.
  read_after_write_ = true;
  net::post(ws_.get_executor(), [self = shared_from_this()] { self->resume_read(); });
}

void WebSocketSession::resume_read() {
  if (!read_after_write_) return;
  read_after_write_ = false;
  if (reading_ && !close_code_ && !closing_) do_read();
}

void WebSocketSession::on_message() {
  // A flat_buffer holds the message in one piece: read it in place.
  const std::string_view frame(static_cast<const char*>(buffer_.data().data()), buffer_.size());
  const auto arrived = std::chrono::steady_clock::now();  // for the rate and the turn's latency
  // This connection's own bucket, then its address's, shared by all its
  // connections and kept across reconnects.
  if (!rate_.try_take(arrived) || !state_->address_budget().try_take(peer_ip_, arrived)) {
    ++strikes_;
    state_->metrics().error(ErrorCode::kRateLimited);
    // The refusal still answers the message's id, so the client can tell
    // which message to send again; reading it costs one bounded parse.
    protocol::MessageId id;
    if (!message_binary_) id = protocol::parse_client(frame).id;
    send(conversation_.refuse(ErrorCode::kRateLimited, "too many messages; slow down", id).frame);
    if (strikes_ >= limits::kRateLimitStrikes) {
      log::info("ws_rate_abuse", {{"peer", peer_ip_}});
      reading_ = false;
      close_after_writes(websocket::close_code::policy_error);
    }
    return;
  }
  strikes_ = 0;
  if (message_binary_) {
    state_->metrics().error(ErrorCode::kBadMessage);
    send(conversation_
             .refuse(ErrorCode::kBadMessage,
                     "binary frames are not supported; send one JSON object per text frame")
             .frame);
    return;
  }
  auto content = state_->content();  // a reload in between does not affect this turn
  auto out = conversation_.handle(frame, *content->engine, session::Clock::now());
  auto latency = std::chrono::steady_clock::now() - arrived;
  if (!out.question.empty() && state_->gaps()) {
    // Key words only; the connection stands for the conversation.
    state_->gaps()->record(out.question, {std::to_string(registry_id_), peer_ip_});
  }
  ++turns_;
  state_->metrics().turn(latency, out.error, out.fallback, out.resumed,
                         out.outcome_level ? *out.outcome_level : std::string_view{});
  if (log::enabled_debug()) {
    nlohmann::json fields = {
        {"peer", peer_ip_},
        {"latency_us", std::chrono::duration_cast<std::chrono::microseconds>(latency).count()}};
    if (out.error) fields["error"] = protocol::code_name(*out.error);
    if (out.fallback) fields["fallback"] = true;
    if (out.resumed) fields["resumed"] = true;
    if (out.outcome_level) fields["outcome"] = *out.outcome_level;
    log::debug("turn", std::move(fields));
  }
  send(std::move(out.frame));
}

void WebSocketSession::send(std::string frame) {
  if (closing_) return;
  queue_.push_back(std::move(frame));
  if (queue_.size() > limits::kMaxQueuedFrames) return drop("slow reader");
  if (queue_.size() == 1) do_write();
}

void WebSocketSession::do_write() {
  ws_.async_write(net::buffer(queue_.front()),
                  beast::bind_front_handler(&WebSocketSession::on_write, shared_from_this()));
}

void WebSocketSession::on_write(beast::error_code ec, std::size_t) {
  if (ec) return fail(ec, "write");
  queue_.pop_front();
  if (!queue_.empty()) return do_write();
  if (close_code_) return do_close();
  resume_read();
}

void WebSocketSession::close_after_writes(websocket::close_code code) {
  if (close_code_ || closing_) return;
  close_code_ = code;
  if (queue_.empty()) do_close();
}

void WebSocketSession::do_close() {
  if (closing_) return;
  closing_ = true;
  ws_.async_close(websocket::close_reason(*close_code_),
                  beast::bind_front_handler(&WebSocketSession::on_close, shared_from_this()));
}

bool valid_close_code(std::uint16_t code) {
  // RFC 6455 7.4: 1000-1003, 1007-1014 (defined; 1012-1014 by IANA since),
  // 3000-4999 (registered and private use); 0 here means "no code", which a
  // close frame may send.
  if (code == 0) return true;
  if (code >= 1000 && code <= 1003) return true;
  if (code >= 1007 && code <= 1014) return true;
  return code >= 3000 && code <= 4999;
}

void WebSocketSession::on_close_frame() {
  if (valid_close_code(ws_.reason().code)) return;
  // _Fail the WebSocket Connection_ (RFC 6455 7.1.7): a 1002 close frame
  // when no reply is being written (it would interleave), then the TCP
  // connection goes. Beast's own echo of the code then finds no socket.
  log::debug("ws_bad_close_code", {{"peer", peer_ip_}, {"code", ws_.reason().code}});
  auto& socket = beast::get_lowest_layer(ws_).socket();
  beast::error_code ec;
  if (queue_.empty()) {
    static constexpr unsigned char kProtocolError[] = {0x88, 0x02, 0x03, 0xEA};  // 1002
    net::write(socket, net::buffer(kProtocolError), ec);
  }
  closing_ = true;
  socket.shutdown(net::ip::tcp::socket::shutdown_both, ec);
  beast::get_lowest_layer(ws_).close();
}

void WebSocketSession::on_close(beast::error_code ec) {
  if (ec) fail(ec, "close");
}

void WebSocketSession::drop(std::string_view why) {
  state_->metrics().slow_client_dropped();
  log::info("ws_dropped", {{"peer", peer_ip_}, {"reason", why}});
  closing_ = true;
  // The peer is not reading, so a close frame would never get through:
  // cancel everything by closing the socket.
  beast::get_lowest_layer(ws_).close();
}

}  // namespace guidechat::server
