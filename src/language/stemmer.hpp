// English stems for the message analysis: Snowball's English (Porter2)
// stemmer from libstemmer, so "talking", "talked" and "talks" meet "talk"
// without word lists of every form.
//
// Thread-safety: stem() is safe from any thread (each thread keeps its own
// Snowball stemmer, which is not thread-safe itself, and a bounded cache of
// the stems it made).
#pragma once

#include <string>
#include <string_view>

namespace guidechat::language {

// The stem of a folded word ("breathing" -> "breath"); the word itself when
// it is not plain ASCII or the stemmer is unavailable.
std::string stem(std::string_view word);

}  // namespace guidechat::language
