// The conversation state the engine works on: which flow, which node is
// pending, and the answers given so far. Small on purpose: it is sealed into
// the client-held session token after every turn.
//
// Thread-safety: plain values.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.hpp"

namespace guidechat::dialog {

struct SlotAnswer {
  std::string slot;                  // the slot the ask node fills
  std::vector<std::string> options;  // option ids chosen, in the flow's order

  bool operator==(const SlotAnswer&) const = default;
};

struct State {
  std::string flow;                 // empty when no flow is active
  std::string node;                 // the pending ask node, empty when none
  std::vector<SlotAnswer> answers;  // in the order given; one entry per slot

  bool operator==(const State&) const = default;
};

// Compact, versioned serialization (for the session token).
std::string encode_state(const State& state);
Result<State> decode_state(std::string_view bytes);

}  // namespace guidechat::dialog
