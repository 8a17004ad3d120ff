#include "dialog/red_flags.hpp"

namespace guidechat::dialog {

RedFlagDetector::RedFlagDetector(const FlowSet& flows)
    : flows_(&flows), phrases_(WordSet(flows.language().negators)) {
  const auto& flags = flows.red_flags();
  for (std::size_t i = 0; i < flags.size(); ++i) {
    for (const auto& p : flags[i].phrases) phrases_.add(p, static_cast<int>(i));
  }
}

std::vector<std::string> RedFlagDetector::detect(const Tokens& tokens) const {
  const auto& flags = flows_->red_flags();
  std::vector<bool> seen(flags.size(), false);
  for (const PhraseHit& h : phrases_.find(tokens)) {
    if (!h.negated) seen[static_cast<std::size_t>(h.tag)] = true;
  }
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < flags.size(); ++i) {
    if (seen[i]) ids.push_back(flags[i].id);
  }
  return ids;
}

}  // namespace guidechat::dialog
