#include "dialog/phrases.hpp"

#include <algorithm>

#include "common/text.hpp"

namespace guidechat::dialog {

namespace {

// Words shorter than this must match exactly: one edit turns "no" into "so".
constexpr std::size_t kMinTypoWord = 5;

bool clause_punct(char c) {
  return c == '.' || c == ',' || c == ';' || c == '!' || c == '?' || c == ':' || c == '\n' ||
         c == '(' || c == ')';
}

// Damerau distance <= 1 without allocating (text::edit_distance in general
// form is too slow for the hot loop of phrase spotting).
bool within_one_edit(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  std::size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (i == a.size()) return true;  // equal, or one letter added at the end
  if (a.size() == b.size()) {
    if (a.substr(i + 1) == b.substr(i + 1)) return true;  // substitution
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.substr(i + 2) == b.substr(i + 2);  // transposition
  }
  return a.substr(i) == b.substr(i + 1);  // insertion
}

// Typo tolerance grows with the word: none for short words, where one edit
// turns a word into another ("no" / "so").
bool word_matches(const std::string& typed, const std::string& want) {
  if (typed == want) return true;
  if (want.size() < kMinTypoWord || typed.size() < kMinTypoWord - 1) return false;
  return within_one_edit(typed, want);
}

}  // namespace

Tokens tokenize(std::string_view input, const WordSet& breaks) {
  constexpr std::size_t kTypicalWords = 16;
  Tokens t;
  t.words.reserve(kTypicalWords);
  t.clause.reserve(kTypicalWords);
  std::string folded;  // one clause at a time (as text::words would fold it)
  int clause = 0;
  std::size_t begin = 0;
  for (std::size_t i = 0; i <= input.size(); ++i) {
    if (i < input.size() && !clause_punct(input[i])) continue;
    if (i < input.size() && input[i] == '?') t.question = true;
    folded.clear();
    text::fold_append(input.substr(begin, i - begin), &folded);
    text::for_each_word(folded, [&](std::string_view w) {
      if (breaks.contains(w)) ++clause;
      t.words.emplace_back(w);
      t.clause.push_back(clause);
    });
    ++clause;
    begin = i + 1;
  }
  return t;
}

std::uint32_t PhraseSet::typo_key(char first, std::size_t length) {
  return (static_cast<std::uint32_t>(static_cast<unsigned char>(first)) << 16) |
         static_cast<std::uint32_t>(length & 0xFFFF);
}

void PhraseSet::add(std::string_view phrase, int tag) {
  Phrase p{text::words(phrase), tag, false};
  if (p.words.empty()) return;
  p.starts_negated = negators_.contains(p.words.front());
  std::size_t i = phrases_.size();
  const std::string& first = p.words.front();
  by_first_[first].push_back(i);
  if (first.size() >= kMinTypoWord) {
    by_typo_key_[typo_key(first[0], first.size())].push_back(i);
  }
  phrases_.push_back(std::move(p));
}

bool PhraseSet::match_at(const Tokens& t, std::size_t pos, const Phrase& p) const {
  if (pos + p.words.size() > t.words.size()) return false;
  for (std::size_t i = 0; i < p.words.size(); ++i) {
    if (!word_matches(t.words[pos + i], p.words[i])) return false;
  }
  return true;
}

bool PhraseSet::negated_at(const Tokens& t, std::size_t pos) const {
  std::size_t from = pos > kNegationWindow ? pos - kNegationWindow : 0;
  for (std::size_t i = from; i < pos; ++i) {
    if (t.clause[i] == t.clause[pos] && negators_.contains(t.words[i])) return true;
  }
  return false;
}

std::vector<PhraseHit> PhraseSet::find(const Tokens& t) const {
  std::vector<PhraseHit> hits;
  for (std::size_t pos = 0; pos < t.words.size();) {
    const std::string& w = t.words[pos];
    const Phrase* best = nullptr;
    // The longest matching phrase wins; among equals, the one added first.
    auto consider = [&](const std::vector<std::size_t>& candidates) {
      for (std::size_t i : candidates) {
        const Phrase& p = phrases_[i];
        if (best != nullptr && (p.words.size() < best->words.size() ||
                                (p.words.size() == best->words.size() && &p > best))) {
          continue;
        }
        if (match_at(t, pos, p)) best = &p;
      }
    };
    if (auto it = by_first_.find(w); it != by_first_.end()) consider(it->second);
    if (w.size() >= kMinTypoWord - 1) {
      for (std::size_t len = w.size() - 1; len <= w.size() + 1; ++len) {
        auto it = by_typo_key_.find(typo_key(w[0], len));
        if (it != by_typo_key_.end()) consider(it->second);
      }
    }
    if (best == nullptr) {
      ++pos;
      continue;
    }
    hits.push_back(
        {best->tag, pos, best->words.size(), !best->starts_negated && negated_at(t, pos)});
    pos += best->words.size();
  }
  return hits;
}

}  // namespace guidechat::dialog
