// One client's conversation as the protocol sees it: text frames in, text
// frames out. Joins the codec, the dialog engine and the sealed tokens, so
// the WebSocket server, `guidechat chat --jsonl` and `guidechat ask --json`
// speak exactly the same protocol.
//
// Thread-safety: one Conversation per connection, used from one strand at a
// time. The Engine and TokenSealer it is handed are shared and immutable.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/limits.hpp"
#include "dialog/engine.hpp"
#include "dialog/state.hpp"
#include "protocol/message.hpp"
#include "session/token.hpp"

namespace guidechat::session {

// What one turn produced: the frame to send, and what the server counts for
// metrics and the gap report. (The triage outcome is a reply part.)
struct TurnResult {
  std::string frame;                         // one JSON text frame
  std::optional<protocol::ErrorCode> error;  // set when frame is an error
  bool fallback = false;                     // reply holds a fallback part
  bool resumed = false;                      // a hello resumed a token
  std::optional<std::string> outcome_level;  // reply holds an outcome
  std::vector<protocol::Part> parts;         // the reply's parts (empty for errors)
  std::string question;                      // a `say` answered with a fallback: its text
  // Flow nodes and options the turn passed (views into the engine's flows:
  // valid while the engine is), for the transcripts' coverage.
  std::vector<dialog::Visit> trace;
};

class Conversation {
 public:
  Conversation(const TokenSealer& sealer, std::chrono::seconds ttl);

  // The `welcome` frame for a new connection.
  TurnResult welcome(const dialog::Engine& engine, Clock::time_point now);
  // Exactly one reply or error frame for one client frame. Never throws.
  TurnResult handle(std::string_view frame, const dialog::Engine& engine, Clock::time_point now);
  // An error frame for a failure detected outside the codec (too_large,
  // rate_limited), answering the client's id when the caller could read it.
  TurnResult refuse(protocol::ErrorCode code, std::string_view message,
                    const protocol::MessageId& reply_to = {}) const;

  const dialog::State& state() const { return state_; }
  // Keeps the conversation to one guide (the WebSocket URL's ?guide=, or
  // hello's "guide"): says are answered from it and welcome offers only
  // its flows. Empty: every guide.
  void keep_to_guide(std::string guide) { guide_ = std::move(guide); }

  // A deployment may allow less `say` text than the protocol's maximum
  // (guidechat serve --max-say-bytes); longer text gets too_large.
  void set_max_say_bytes(std::size_t bytes) { max_say_bytes_ = bytes; }

 private:
  std::string token() const;

  const TokenSealer& sealer_;
  std::chrono::seconds ttl_;
  dialog::State state_;
  std::string guide_;  // hello's "guide": says without one keep to it
  Clock::time_point now_{};
  std::size_t max_say_bytes_ = limits::kMaxSayBytes;
};

}  // namespace guidechat::session
