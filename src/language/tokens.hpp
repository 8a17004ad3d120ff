// A message as words in sentences and clauses: the first step of the one
// analysis of a message (language/analysis.hpp). Sentences end at . ! ? and
// line breaks; clauses also at , ; : ( ), at a dash between spaces, and at
// clause words such as "but" (from the language data), so "no pain, but he can't chew" is two
// clauses. A word keeps its folded form without apostrophes ("can't" -> "cant") and its English
// stem.
//
// Thread-safety: pure functions over plain values.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace guidechat::language {

struct Token {
  std::string word;  // folded, apostrophes removed
  std::string stem;  // English stem of `word`
  int sentence = 0;  // index into Tokens::sentences
  int clause = 0;    // numbered across the whole message
  // "but", "however", ...: ends the reach of "if" and "what if" before it.
  bool terminator = false;
  // A clause that goes on in time starts here: "and then", ", now",
  // "suddenly" at the start of a clause.
  bool joins = false;
  bool opens = false;        // a clause word that starts a clause here
  bool new_subject = false;  // "theyre", "im": a new statement may start here
};

struct Sentence {
  std::size_t begin = 0;  // first token
  std::size_t end = 0;    // one past the last token
  bool question = false;  // ends in '?' or starts with a question word
  // Where the asking starts: the last clause that opens with a question
  // word ("...she had to finish my sentences, what is a compress?"), or
  // `begin`. A long story told before the question is not part of it.
  std::size_t question_begin = 0;
};

struct Tokens {
  std::vector<Token> tokens;
  std::vector<Sentence> sentences;
};

// What tokenizing needs from the language data.
struct Grammar {
  using Words = std::unordered_set<std::string>;
  Words clause_words;    // start a new clause ("but", "and", ...)
  Words question_words;  // a sentence starting with one asks something
  Words terminators;     // end a hypothetical: "what if X, but now Y"
  // Texting and phonetic spellings read as the words meant: "shud" ->
  // "should", "wanna" -> "want to".
  std::map<std::string, std::string> spellings;
  // Start a new statement without a comma and so end a negation: "not
  // twitching they're swelling".
  Words new_subjects;
  // At the start of a clause, go on in time: "..., and then I got chest pain".
  Words sequence_words;
};

// "can't" -> "cant": how words are compared everywhere in the analysis.
std::string plain_word(std::string_view folded);

// Splits `text` (at most `max_words` words are kept).
Tokens tokenize(std::string_view text, const Grammar& grammar, std::size_t max_words);

}  // namespace guidechat::language
