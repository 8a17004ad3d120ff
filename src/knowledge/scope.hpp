// Scoring an analysed question against the guide, in 0..1 each:
//  - coverage: the share of the question's topic weight whose words (or a
//    synonym of them) a piece of the guide holds: the whole guide, one
//    section, one passage or one heading;
//  - title overlap: the share of a heading's words that the question uses
//    ("what is facial spasm" names "What is Facial Spasm?" in full);
//  - confidence that the guide covers the question at all: a blend of the
//    guide-wide and the best section's coverage. A question sharing one
//    common word with the guide ("eye drops for dry eyes") scores low; one
//    whose every topic word is in one section scores high.
//
// Thread-safety: pure functions.
#pragma once

#include <vector>

#include "knowledge/query_builder.hpp"

namespace guidechat::knowledge {

// Share of the topic weight found in `stems` (sorted ids of a text's stems);
// with `by_idf`, each word counts by the idf of the form found, so words
// that tell passages apart count more than ones found everywhere.
double coverage(const std::vector<QueryWord>& words, const std::vector<StemId>& stems,
                bool by_idf = false);
// Share of `part`'s words (sorted stem ids) that `whole` (sorted) holds,
// each word counted by its idf: how much of a heading the question names,
// or how much of the question (everyday words too) a passage holds.
double overlap(const std::vector<StemId>& part, const std::vector<StemId>& whole,
               const std::vector<double>& idf);
// The confidence that the guide covers the question, from its topic words
// and the share of their weight that the best section holds (0 without
// topic words). Missing words weigh more than found ones, since a word the
// guide lacks usually names what the question is really about ("dog",
// "migraine") - less so when the question names the guide's own subject
// ("are facial spasms dangerous").
double scope_confidence(const std::vector<QueryWord>& words, double best_section_share);

}  // namespace guidechat::knowledge
