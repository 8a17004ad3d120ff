// Does the guide cover a question? A calibrated 0..1 confidence from the
// analysed question: the share of its topic words (weighted by how much
// topic each carries) that the guide knows at all, and the share that the
// best-matching section holds. A question sharing one common word with the
// guide ("eye drops for dry eyes") scores low; one whose every topic word is
// in one section scores high.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "knowledge/query_builder.hpp"

namespace guidechat::knowledge {

// Share of the topic weight whose words the guide knows anywhere.
double global_coverage(const std::vector<QueryWord>& words);
// Share of the topic weight found in one section (its stems).
double section_coverage(const std::vector<QueryWord>& words,
                        const std::unordered_set<std::string>& section_stems);
// The confidence: 0 without topic words, else a blend of both shares.
double scope_confidence(double global, double section);

}  // namespace guidechat::knowledge
