// Spots the guide's urgent signs (red-flags.json) in any typed message,
// respecting negation: "he can't chew" is a red flag, "no trouble speaking"
// is not.
//
// Thread-safety: immutable after construction; detect() is const.
#pragma once

#include <string>
#include <vector>

#include "dialog/flow.hpp"
#include "dialog/phrases.hpp"

namespace guidechat::dialog {

class RedFlagDetector {
 public:
  RedFlagDetector(const FlowSet& flows);

  // Ids of the red flags the text names (not negated), in red-flags.json order.
  std::vector<std::string> detect(const Tokens& tokens) const;

 private:
  const FlowSet* flows_;
  PhraseSet phrases_;
};

}  // namespace guidechat::dialog
