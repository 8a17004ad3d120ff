#include "knowledge/scope.hpp"

#include <algorithm>

namespace guidechat::knowledge {

namespace {

double total_weight(const std::vector<QueryWord>& words, bool by_idf = false) {
  double total = 0;
  for (const auto& w : words) total += by_idf ? w.idf : w.weight;
  return total;
}

// How much more a missing topic word weighs than a found one.
constexpr double kMissingPenalty = 2.5;
// ... when the question names a guide's own subject.
constexpr double kMissingPenaltyCore = 1.0;

}  // namespace

double coverage(const std::vector<QueryWord>& words, const std::vector<StemId>& stems,
                bool by_idf) {
  double total = total_weight(words, by_idf);
  if (total <= 0) return 0;
  double found = 0;
  for (const auto& w : words) {
    double credit = 0;  // the best form found; by idf, a rarer form earns more
    for (std::size_t f = 0; f < w.form_stems.size(); ++f) {
      const auto& form = w.form_stems[f];
      bool all = !form.empty() && std::all_of(form.begin(), form.end(), [&](StemId id) {
        return std::binary_search(stems.begin(), stems.end(), id);
      });
      if (!all) continue;
      if (!by_idf) {
        credit = w.weight;
        break;
      }
      credit = std::max(credit, f < w.form_idf.size() ? w.form_idf[f] : w.idf);
    }
    found += credit;
  }
  return found / total;
}

double overlap(const std::vector<StemId>& part, const std::vector<StemId>& whole,
               const std::vector<double>& idf) {
  double total = 0, shared = 0;
  for (StemId id : part) {
    double w = id < idf.size() ? idf[id] : 0.0;
    total += w;
    if (std::binary_search(whole.begin(), whole.end(), id)) shared += w;
  }
  return total > 0 ? shared / total : 0.0;
}

double scope_confidence(const std::vector<QueryWord>& words, double best_section_share) {
  double total = total_weight(words);
  if (total <= 0) return 0;
  double known = 0;
  bool core = false;
  // A word the guides have only a broader word for ("acupuncture":
  // treatment) is not what they speak of: for scope it is missing.
  for (const auto& w : words) {
    if (w.known && !w.broader) known += w.weight;
    core = core || w.core;
  }
  const double penalty = core ? kMissingPenaltyCore : kMissingPenalty;
  auto share = [&](double found) {
    double missing = total - found;
    return found <= 0 ? 0.0 : found / (found + penalty * missing);
  };
  double guide = share(known);
  double section = share(std::min(std::clamp(best_section_share, 0.0, 1.0) * total, known));
  return std::clamp(0.5 * guide + 0.5 * section, 0.0, 1.0);
}

}  // namespace guidechat::knowledge
