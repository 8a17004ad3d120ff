#include "language/lexicon.hpp"

#include <cstdio>
#include <cstdlib>

#include "common/text.hpp"

namespace guidechat::language {

namespace {

// Missing -> empty string and ok; unreadable -> error. One read of the
// whole file: the word list is a megabyte and start-up time matters.
Result<std::string> read_optional(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::string();
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (f == nullptr) return Error{file.string() + ": cannot read the file"};
  std::string out;
  auto size = std::filesystem::file_size(file, ec);
  if (!ec) out.resize(static_cast<std::size_t>(size));
  std::size_t got = ec ? 0 : std::fread(out.data(), 1, out.size(), f);
  out.resize(got);
  char buf[65536];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return Error{file.string() + ": cannot read the file"};
  return out;
}

}  // namespace

Lexicon Lexicon::from_text(std::string_view everyday, std::string english) {
  Lexicon lex;
  std::size_t pos = 0;
  while (pos < everyday.size()) {
    auto nl = everyday.find('\n', pos);
    if (nl == std::string_view::npos) nl = everyday.size();
    std::string_view line = everyday.substr(pos, nl - pos);
    pos = nl + 1;
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    for (auto& w : text::words(line)) lex.everyday_.insert(std::move(w));
  }
  lex.english_ = std::move(english);
  // Skip the comment lines at the top; the rest is searched in place.
  std::size_t at = 0;
  while (at < lex.english_.size() && lex.english_[at] == '#') {
    auto nl = lex.english_.find('\n', at);
    at = nl == std::string::npos ? lex.english_.size() : nl + 1;
  }
  lex.body_ = at;
  return lex;
}

Result<Lexicon> Lexicon::load(const std::filesystem::path& dir) {
  auto everyday = read_optional(dir / "everyday-words.txt");
  if (!everyday) return Error{everyday.error()};
  auto english = read_optional(dir / "english-words.txt");
  if (!english) return Error{english.error()};
  return from_text(*everyday, std::move(*english));
}

bool Lexicon::everyday(std::string_view word) const {
  return everyday_.find(word) != everyday_.end();
}

int Lexicon::word_class(std::string_view word) const {
  if (word.empty()) return 0;
  // Binary search over the sorted lines, by byte offset: no index to build.
  std::string_view all(english_);
  std::size_t lo = body_, hi = all.size();
  while (lo < hi) {
    std::size_t mid = lo + (hi - lo) / 2;
    std::size_t start = all.rfind('\n', mid == 0 ? 0 : mid - 1);
    start = (start == std::string_view::npos || start < lo) ? lo : start + 1;
    if (start > mid) start = lo;
    std::size_t end = all.find('\n', start);
    if (end == std::string_view::npos) end = all.size();
    std::string_view line = all.substr(start, end - start);
    auto sp = line.find(' ');
    std::string_view w = line.substr(0, sp);
    int cmp = w.compare(word);
    if (cmp == 0) {
      int cls = 0;
      for (std::size_t i = sp == std::string_view::npos ? line.size() : sp + 1;
           i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) {
        cls = cls * 10 + (line[i] - '0');
      }
      return cls > 0 ? cls : 60;
    }
    if (cmp < 0) {
      lo = end + 1;
    } else {
      hi = start;
    }
  }
  return 0;
}

std::filesystem::path default_lang_dir() {
  const char* env = std::getenv("GUIDECHAT_LANG");
  if (env != nullptr && *env != '\0') return env;
  return std::filesystem::path(GUIDECHAT_DATA_DIR) / "lang";
}

}  // namespace guidechat::language
