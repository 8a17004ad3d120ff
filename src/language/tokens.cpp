#include "language/tokens.hpp"

#include <algorithm>

#include "common/text.hpp"
#include "language/stemmer.hpp"

namespace guidechat::language {

namespace {

bool digit(char c) {
  return c >= '0' && c <= '9';
}

// A sentence ends here: . ! ? or a line break ("3.5" and "..." inside a
// number or a run of dots do not end one twice).
bool sentence_end(std::string_view text, std::size_t i) {
  char c = text[i];
  if (c == '!' || c == '?' || c == '\n') return true;
  if (c != '.') return false;
  bool between_digits = i > 0 && i + 1 < text.size() && digit(text[i - 1]) && digit(text[i + 1]);
  return !between_digits;
}

// A clause ends here: , ; : ( ) or a dash standing alone ("the lips - they
// are swelling"; "- " and the en and em dashes, U+2013 and U+2014).
bool clause_mark(std::string_view text, std::size_t i) {
  char c = text[i];
  if (c == ',' || c == ';' || c == ':' || c == '(' || c == ')') return true;
  if (c == '-') return i + 1 == text.size() || text[i + 1] == ' ';
  return text.substr(i, 3) == "\xE2\x80\x93" || text.substr(i, 3) == "\xE2\x80\x94";
}

bool contains(const Grammar::Words& words, const std::string& w) {
  return words.count(w) > 0;
}

}  // namespace

std::string plain_word(std::string_view folded) {
  std::string out;
  out.reserve(folded.size());
  for (char c : folded) {
    if (c == '\'') continue;
    // "sooo bad", "hurtsss": no English word has a letter three times in a
    // row, so a longer run is stretched for emphasis; two are kept ("good").
    std::size_t n = out.size();
    if (n >= 2 && out[n - 1] == c && out[n - 2] == c && c >= 'a' && c <= 'z') continue;
    out.push_back(c);
  }
  return out;
}

// The first token of the last clause of `s` that opens with a question
// word, a clause word before it aside ("and what can I do"); else s.begin.
std::size_t question_start(const std::vector<Token>& tokens, const Sentence& s,
                           const Grammar& grammar) {
  std::size_t start = s.begin;
  for (std::size_t i = s.begin + 1; i < s.end; ++i) {
    if (tokens[i].clause == tokens[i - 1].clause) continue;
    const std::size_t first = tokens[i].opens && i + 1 < s.end ? i + 1 : i;
    if (contains(grammar.question_words, tokens[first].word)) start = i;
  }
  return start;
}

Tokens tokenize(std::string_view text, const Grammar& grammar, std::size_t max_words) {
  Tokens out;
  int clause = 0;
  bool question_mark = false;
  std::size_t sentence_begin = 0;
  auto close_sentence = [&]() {
    if (out.tokens.size() > sentence_begin) {
      Sentence s{sentence_begin, out.tokens.size(), question_mark};
      s.question = s.question || contains(grammar.question_words, out.tokens[s.begin].word);
      s.question_begin = question_start(out.tokens, s, grammar);
      out.sentences.push_back(s);
      ++clause;
    }
    sentence_begin = out.tokens.size();
    question_mark = false;
  };
  std::size_t piece = 0;  // start of the text not yet split into words
  std::string folded;
  for (std::size_t i = 0; i <= text.size() && out.tokens.size() < max_words; ++i) {
    bool at_end = i == text.size();
    bool ends_sentence = !at_end && sentence_end(text, i);
    bool ends_clause = !at_end && clause_mark(text, i);
    if (!at_end && !ends_sentence && !ends_clause) continue;
    folded.clear();
    text::fold_append(text.substr(piece, i - piece), &folded);
    auto add = [&](std::string word) {
      if (out.tokens.size() >= max_words || word.empty()) return;
      Token t;
      t.word = std::move(word);
      // A clause starts here (after a mark or a clause word), or at the
      // word after a clause word that started one ("and then").
      bool starts = out.tokens.size() == sentence_begin || out.tokens.back().clause != clause;
      const bool after_word = !starts && out.tokens.back().opens;
      if (contains(grammar.clause_words, t.word) && out.tokens.size() > sentence_begin) {
        ++clause;
        t.opens = true;
        starts = true;
      }
      t.joins = (starts || after_word) && contains(grammar.sequence_words, t.word);
      t.terminator = contains(grammar.terminators, t.word);
      t.new_subject = contains(grammar.new_subjects, t.word);
      t.stem = stem(t.word);
      t.sentence = static_cast<int>(out.sentences.size());
      t.clause = clause;
      out.tokens.push_back(std::move(t));
    };
    text::for_each_word(folded, [&](std::string_view w) {
      std::string word = plain_word(w);
      auto spelled = grammar.spellings.find(word);
      if (spelled == grammar.spellings.end()) return add(std::move(word));
      for (auto& meant : text::words(spelled->second)) add(plain_word(meant));
    });
    piece = i + 1;
    if (ends_clause) ++clause;
    if (ends_sentence || at_end) {
      if (!at_end && text[i] == '?') question_mark = true;
      close_sentence();
    }
  }
  close_sentence();
  return out;
}

}  // namespace guidechat::language
