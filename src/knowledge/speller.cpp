#include "knowledge/speller.hpp"

#include <algorithm>
#include <bit>

#include "common/text.hpp"

namespace guidechat::knowledge {

void Speller::add(std::string_view word, int weight) {
  if (word.empty()) return;
  auto [it, inserted] = weights_.emplace(std::string(word), weight);
  if (!inserted) it->second = std::max(it->second, weight);
}

std::uint32_t Speller::letter_mask(std::string_view word) {
  std::uint32_t mask = 0;
  for (unsigned char c : word) {
    const unsigned bit = c >= 'a' && c <= 'z' ? c - 'a' : 26 + c % 6;
    mask |= std::uint32_t{1} << bit;
  }
  return mask;
}

void Speller::finish() {
  by_length_.clear();
  masks_by_length_.clear();
  for (const auto& [word, weight] : weights_) {
    if (by_length_.size() <= word.size()) by_length_.resize(word.size() + 1);
    by_length_[word.size()].push_back(word);
  }
  masks_by_length_.resize(by_length_.size());
  for (std::size_t len = 0; len < by_length_.size(); ++len) {
    std::sort(by_length_[len].begin(), by_length_[len].end());
    for (const auto& word : by_length_[len]) masks_by_length_[len].push_back(letter_mask(word));
  }
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
  const std::uint32_t mask = letter_mask(word);
  for (std::size_t len = lo; len <= hi && !by_length_.empty(); ++len) {
    const auto& masks = masks_by_length_[len];
    for (std::size_t i = 0; i < by_length_[len].size(); ++i) {
      // An edit changes which letters a word has by at most two (a
      // substitution: one gone, one new), so a candidate whose letters
      // differ by more cannot be within the limit: most are skipped
      // without the edit-distance table.
      if (static_cast<std::size_t>(std::popcount(mask ^ masks[i])) > 2 * limit) continue;
      const std::string& cand = by_length_[len][i];
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
