// The dialog engine: pure and deterministic. (state, client message) ->
// (new state, reply parts). No I/O, no clock, no randomness, so a turn can be
// tested in isolation and replayed from a sealed token on any replica.
//
// Thread-safety: an Engine is immutable after construction; handle() is const
// and safe to call from many threads at once.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "dialog/flow.hpp"
#include "dialog/state.hpp"
#include "knowledge/index.hpp"
#include "protocol/message.hpp"

namespace guidechat::dialog {

struct Turn {
  State state;
  std::vector<protocol::Part> parts;
  std::optional<protocol::ProtocolError> error;  // set: send an error frame instead
};

class Engine {
 public:
  Engine(std::shared_ptr<const FlowSet> flows, std::shared_ptr<const knowledge::Index> index);

  // The flows offered in `welcome`.
  std::vector<protocol::FlowInfo> flows() const;
  // The parts of `welcome` for a new conversation.
  std::vector<protocol::Part> greeting() const;
  // The reply to a `hello` that resumed `state`: "welcome back" and the
  // pending ask again, if any.
  Turn resume(const State& state) const;
  // say / choose / start / summary / reset. (hello is handled by the caller,
  // which owns the tokens.)
  Turn handle(const State& state, const protocol::ClientMessage& message) const;

 private:
  std::shared_ptr<const FlowSet> flows_;
  std::shared_ptr<const knowledge::Index> index_;
};

}  // namespace guidechat::dialog
