#include "language/stemmer.hpp"

#include <libstemmer.h>

#include <memory>
#include <unordered_map>

#include "common/text.hpp"

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

// People use few words: most are stemmed again and again. The cache is per
// thread (as the stemmer is) and starts over when full.
constexpr std::size_t kMaxCachedStems = 8192;

std::string stem_uncached(std::string_view word);

}  // namespace

std::string stem(std::string_view word) {
  thread_local std::unordered_map<std::string, std::string, text::StringHash, std::equal_to<>>
      cache;
  if (auto it = cache.find(word); it != cache.end()) return it->second;
  std::string out = stem_uncached(word);
  if (cache.size() >= kMaxCachedStems) cache.clear();
  cache.emplace(std::string(word), out);
  return out;
}

namespace {

std::string stem_uncached(std::string_view word) {
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

}  // namespace

}  // namespace guidechat::language
