// A flow as a Graphviz DOT graph (`guidechat graph FLOW`; docs/flows/*.svg):
// asks as boxes, guide passages as notes, outcomes coloured by level, edges
// labelled with the option or the condition that takes them.
//
// Thread-safety: a pure function.
#pragma once

#include <string>

#include "dialog/flow.hpp"

namespace guidechat::dialog {

std::string to_dot(const Flow& flow);

// "pain = a-lot OR speech = yes": a condition in words, for edges and docs.
std::string describe(const Condition& condition);

}  // namespace guidechat::dialog
