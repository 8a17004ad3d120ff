#include "knowledge/speller.hpp"

#include <algorithm>

#include "common/text.hpp"

namespace guidechat::knowledge {

void Speller::add(std::string_view word, int weight) {
  if (word.empty()) return;
  auto [it, inserted] = weights_.emplace(std::string(word), weight);
  if (!inserted) it->second = std::max(it->second, weight);
}

void Speller::finish() {
  by_length_.clear();
  for (const auto& [word, weight] : weights_) {
    if (by_length_.size() <= word.size()) by_length_.resize(word.size() + 1);
    by_length_[word.size()].push_back(word);
  }
  for (auto& bucket : by_length_) std::sort(bucket.begin(), bucket.end());
}

std::size_t Speller::max_edits(std::size_t length) {
  if (length < 3) return 0;
  if (length < 7) return 1;
  return 2;
}

bool Speller::knows(std::string_view word) const {
  return weights_.find(std::string(word)) != weights_.end();
}

std::string Speller::correct(std::string_view word, std::size_t max_edits) const {
  std::size_t limit = std::min(max_edits, Speller::max_edits(word.size()));
  if (limit == 0 || knows(word)) return {};
  std::string best;
  std::size_t best_distance = limit + 1;
  int best_weight = 0;
  std::size_t lo = word.size() > limit ? word.size() - limit : 0;
  std::size_t hi = std::min(word.size() + limit, by_length_.empty() ? 0 : by_length_.size() - 1);
  for (std::size_t len = lo; len <= hi && !by_length_.empty(); ++len) {
    for (const auto& cand : by_length_[len]) {
      // Only words that are long enough to bear the edits count.
      if (Speller::max_edits(cand.size()) == 0) continue;
      std::size_t d = text::edit_distance(word, cand, std::min(best_distance, limit));
      if (d > limit || d == 0) continue;
      int w = weights_.at(cand);
      if (d < best_distance || (d == best_distance && w > best_weight)) {
        best = cand;
        best_distance = d;
        best_weight = w;
      }
    }
  }
  return best;
}

}  // namespace guidechat::knowledge
