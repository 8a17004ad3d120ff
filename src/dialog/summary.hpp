// The summary a person can show a doctor: every answer given, as
// question/answer items, and a short paragraph. It reports what the person
// said and nothing more: no interpretation, no diagnosis.
//
// Thread-safety: a pure function.
#pragma once

#include "dialog/flow.hpp"
#include "dialog/state.hpp"
#include "protocol/message.hpp"

namespace guidechat::dialog {

// The slot under which red flags named in free text are remembered.
inline constexpr const char* kRedFlagSlot = "red-flags";

protocol::Part build_summary(const FlowSet& flows, const State& state);

}  // namespace guidechat::dialog
