#include "knowledge/scope.hpp"

#include <algorithm>

namespace guidechat::knowledge {

namespace {

double total_weight(const std::vector<QueryWord>& words) {
  double total = 0;
  for (const auto& w : words) total += w.weight;
  return total;
}

}  // namespace

double global_coverage(const std::vector<QueryWord>& words) {
  double total = total_weight(words);
  if (total <= 0) return 0;
  double known = 0;
  for (const auto& w : words) {
    if (w.known) known += w.weight;
  }
  return known / total;
}

double section_coverage(const std::vector<QueryWord>& words,
                        const std::unordered_set<std::string>& section_stems) {
  double total = total_weight(words);
  if (total <= 0) return 0;
  double found = 0;
  for (const auto& w : words) {
    for (const auto& stems : w.form_stems) {
      bool all = std::all_of(stems.begin(), stems.end(),
                             [&](const std::string& s) { return section_stems.count(s) > 0; });
      if (all) {
        found += w.weight;
        break;
      }
    }
  }
  return found / total;
}

double scope_confidence(double global, double section) {
  return std::clamp(0.5 * global + 0.5 * section, 0.0, 1.0);
}

}  // namespace guidechat::knowledge
