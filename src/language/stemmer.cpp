#include "language/stemmer.hpp"

#include <libstemmer.h>

#include <memory>

namespace guidechat::language {

namespace {

struct StemmerDeleter {
  void operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }
};

sb_stemmer* thread_stemmer() {
  thread_local std::unique_ptr<sb_stemmer, StemmerDeleter> stemmer(
      sb_stemmer_new("english", "UTF_8"));
  return stemmer.get();
}

}  // namespace

std::string stem(std::string_view word) {
  sb_stemmer* s = thread_stemmer();
  if (s == nullptr || word.empty()) return std::string(word);
  for (char c : word) {
    // Snowball's English rules are for English letters; leave other words whole.
    if (static_cast<unsigned char>(c) >= 0x80) return std::string(word);
  }
  const sb_symbol* out = sb_stemmer_stem(s, reinterpret_cast<const sb_symbol*>(word.data()),
                                         static_cast<int>(word.size()));
  if (out == nullptr) return std::string(word);
  return std::string(reinterpret_cast<const char*>(out),
                     static_cast<std::size_t>(sb_stemmer_length(s)));
}

}  // namespace guidechat::language
