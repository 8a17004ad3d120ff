#include "knowledge/query_builder.hpp"

#include <algorithm>

#include "common/limits.hpp"
#include "common/text.hpp"

namespace guidechat::knowledge {

std::string fts5_quote(std::string_view term) {
  std::string out = "\"";
  for (char c : term) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string build_match(const std::vector<std::string>& terms) {
  std::string out;
  for (const auto& t : terms) {
    if (!out.empty()) out += " OR ";
    out += fts5_quote(t);
  }
  return out;
}

double QueryBuilder::weight_of_class(int word_class) {
  if (word_class == 0) return 1.0;  // not an everyday English word: rare or a term
  if (word_class <= 10) return 0.4;
  if (word_class <= 20) return 0.6;
  if (word_class <= 35) return 0.8;
  if (word_class <= 40) return 0.9;
  return 1.0;
}

namespace {

// "dad's" -> "dad", "don't" -> "dont": the index's tokenizer splits at
// apostrophes, so the searched word must not hold one.
std::string strip_apostrophes(std::string_view w) {
  if (w.ends_with("'s")) w.remove_suffix(2);
  std::string out;
  for (char c : w) {
    if (c != '\'') out.push_back(c);
  }
  return out;
}

bool all_digits(std::string_view w) {
  return std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

Analysis QueryBuilder::analyze(std::string_view question, const StemFn& stem) const {
  Analysis out;
  std::vector<std::string> typed =
      text::words(text::truncate_utf8(question, limits::kMaxQueryChars));
  std::vector<std::string> words;
  for (auto& w : typed) {
    if (words.size() >= limits::kMaxQueryTerms) break;
    words.push_back(std::move(w));
  }
  const auto& stems = vocabulary_->stem_passages;
  auto known_stem = [&](const std::string& s) { return !s.empty() && stems.count(s) > 0; };
  std::vector<std::string> terms;

  for (std::size_t i = 0; i < words.size();) {
    // Synonym phrases first ("muscle relaxers"), longest match.
    const std::vector<std::string>* alts = nullptr;
    std::size_t n = synonyms_->match(words, i, &alts);
    QueryWord qw;
    if (n > 0) {
      for (std::size_t k = 0; k < n; ++k) qw.typed += (k ? " " : "") + words[i + k];
      qw.word = qw.typed;
    } else {
      const std::string& w = words[i];
      qw.typed = w;
      if (lexicon_->everyday(w) || w.size() < 2 || all_digits(w)) {
        ++i;
        continue;
      }
      std::string plain = strip_apostrophes(w);
      if (plain.size() < 2 || lexicon_->everyday(plain)) {
        ++i;
        continue;
      }
      qw.word = plain;
      int cls = lexicon_->word_class(plain);
      bool in_guide = known_stem(stem(plain));
      // A word nobody would mean as typed (not English, or very rare) and not
      // in the guide is taken as a typo of the closest known word.
      if (!in_guide && (cls == 0 || cls >= 50)) {
        std::string fixed = vocabulary_->speller.correct(plain, cls == 0 ? 2 : 1);
        if (!fixed.empty()) {
          if (lexicon_->everyday(fixed)) {  // "wen" -> "when", "shud" -> "should"
            ++i;
            continue;
          }
          qw.word = fixed;
          std::vector<std::string> one{fixed};
          const std::vector<std::string>* fixed_alts = nullptr;
          if (synonyms_->match(one, 0, &fixed_alts) == 1) alts = fixed_alts;
        }
      }
    }
    std::size_t consumed = n > 0 ? n : 1;
    qw.weight = weight_of_class(lexicon_->word_class(qw.word));
    // The forms searched: the word itself, then its synonyms.
    std::vector<std::string> candidates{qw.word};
    if (alts) candidates.insert(candidates.end(), alts->begin(), alts->end());
    if (n > 1) {
      // A synonym phrase's weight: its heaviest word.
      double w = 0;
      for (std::size_t k = 0; k < n; ++k) {
        w = std::max(w, weight_of_class(lexicon_->word_class(words[i + k])));
      }
      qw.weight = w;
    }
    for (const auto& form : candidates) {
      std::vector<std::string> form_stems;
      bool all_known = true;
      for (const auto& part : text::words(form)) {
        std::string s = stem(strip_apostrophes(part));
        if (!known_stem(s)) all_known = false;
        form_stems.push_back(std::move(s));
      }
      if (!all_known || form_stems.empty()) continue;
      if (std::find(qw.forms.begin(), qw.forms.end(), form) != qw.forms.end()) continue;
      qw.forms.push_back(form);
      qw.form_stems.push_back(std::move(form_stems));
      if (std::find(terms.begin(), terms.end(), form) == terms.end()) terms.push_back(form);
    }
    qw.known = !qw.forms.empty();
    // The same topic twice ("eye ... eyes") counts once.
    bool duplicate = false;
    for (const auto& prev : out.words) {
      if (!prev.form_stems.empty() && !qw.form_stems.empty() &&
          prev.form_stems.front() == qw.form_stems.front()) {
        duplicate = true;
      }
      if (!qw.known && !prev.known && prev.word == qw.word) duplicate = true;
    }
    if (!duplicate) out.words.push_back(std::move(qw));
    i += consumed;
  }
  out.match = build_match(terms);
  return out;
}

}  // namespace guidechat::knowledge
