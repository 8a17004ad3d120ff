#include "session/conversation.hpp"

#include <exception>

#include "protocol/codec.hpp"

namespace guidechat::session {

using protocol::ErrorCode;
using protocol::PartType;

namespace {

void note_parts(const std::vector<protocol::Part>& parts, TurnResult* out) {
  for (const auto& p : parts) {
    if (p.type == PartType::kFallback) out->fallback = true;
    if (p.type == PartType::kOutcome) out->outcome_level = p.level;
  }
}

TurnResult error_result(const protocol::MessageId& id, ErrorCode code, std::string_view message) {
  TurnResult out;
  out.frame = protocol::build_error(id, code, message);
  out.error = code;
  return out;
}

}  // namespace

Conversation::Conversation(const TokenSealer& sealer, std::chrono::seconds ttl)
    : sealer_(sealer), ttl_(ttl) {}

std::string Conversation::token() const {
  return sealer_.seal(dialog::encode_state(state_), now_, ttl_);
}

TurnResult Conversation::welcome(const dialog::Engine& engine, Clock::time_point now) {
  now_ = now;
  state_ = dialog::State{};
  TurnResult out;
  auto parts = engine.greeting();
  std::vector<protocol::FlowInfo> flows = engine.flows();
  if (!guide_.empty()) {
    std::erase_if(
        flows, [&](const protocol::FlowInfo& f) { return !f.guide.empty() && f.guide != guide_; });
  }
  out.frame = protocol::build_welcome(token(), flows, parts, engine.guides());
  return out;
}

TurnResult Conversation::refuse(ErrorCode code, std::string_view message,
                                const protocol::MessageId& reply_to) const {
  return error_result(reply_to, code, message);
}

TurnResult Conversation::handle(std::string_view frame, const dialog::Engine& engine,
                                Clock::time_point now) {
  now_ = now;
  protocol::Parsed parsed = protocol::parse_client(frame);
  if (!parsed.message) return error_result(parsed.id, parsed.error->code, parsed.error->message);
  const protocol::ClientMessage& msg = *parsed.message;
  if (msg.type == protocol::ClientType::kSay && msg.text.size() > max_say_bytes_) {
    return error_result(msg.id, ErrorCode::kTooLarge,
                        "\"text\" is longer than " + std::to_string(max_say_bytes_) + " bytes");
  }
  try {
    TurnResult out;
    if (msg.type == protocol::ClientType::kHello) {
      if (!msg.guide.empty()) guide_ = msg.guide;
      if (!msg.session.empty()) {
        auto plain = sealer_.open(msg.session, now);
        auto state = plain.ok() ? dialog::decode_state(*plain) : Result<dialog::State>(Error{});
        if (!state.ok()) {
          // The conversation cannot be recovered: go on with a fresh one.
          state_ = dialog::State{};
          return error_result(msg.id, ErrorCode::kBadSession,
                              "session token is not valid; a new conversation has started");
        }
        state_ = std::move(*state);
        out.resumed = true;
      }
      dialog::Turn turn = engine.resume(state_);
      state_ = std::move(turn.state);
      out.trace = std::move(turn.trace);
      note_parts(turn.parts, &out);
      out.frame = protocol::build_reply(msg.id, token(), turn.parts);
      out.parts = std::move(turn.parts);
      return out;
    }
    dialog::Turn turn;
    if (msg.type == protocol::ClientType::kSay && msg.guide.empty() && !guide_.empty()) {
      protocol::ClientMessage kept = msg;  // hello's guide holds for the connection
      kept.guide = guide_;
      turn = engine.handle(state_, kept);
    } else {
      turn = engine.handle(state_, msg);
    }
    if (turn.error) {
      TurnResult refused = error_result(msg.id, turn.error->code, turn.error->message);
      refused.trace = std::move(turn.trace);
      return refused;
    }
    out.trace = std::move(turn.trace);
    state_ = std::move(turn.state);
    note_parts(turn.parts, &out);
    if (out.fallback && msg.type == protocol::ClientType::kSay) out.question = msg.text;
    out.frame = protocol::build_reply(msg.id, token(), turn.parts, turn.reset);
    out.parts = std::move(turn.parts);
    return out;
  } catch (const std::exception&) {
    // Keep the last good state; the client may simply retry.
    return error_result(msg.id, ErrorCode::kInternal, "internal error");
  }
}

}  // namespace guidechat::session
