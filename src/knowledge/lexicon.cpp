#include "knowledge/lexicon.hpp"

#include <cstring>
#include <fstream>
#include <sstream>

#include "common/text.hpp"

namespace guidechat::knowledge {

namespace {

// Missing -> empty string and ok; unreadable -> error.
Result<std::string> read_optional(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::string();
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error{file.string() + ": cannot read the file"};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
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
  const char* base = lex.english_.data();
  std::size_t size = lex.english_.size();
  std::size_t at = 0;
  while (at < size) {
    const char* nl = static_cast<const char*>(std::memchr(base + at, '\n', size - at));
    std::size_t end = nl ? static_cast<std::size_t>(nl - base) : size;
    if (end > at && base[at] != '#') lex.offsets_.push_back(static_cast<std::uint32_t>(at));
    at = end + 1;
  }
  return lex;
}

Result<Lexicon> Lexicon::load(const std::filesystem::path& dir) {
  auto everyday = read_optional(dir / "everyday-words.txt");
  if (!everyday) return Error{everyday.error()};
  auto english = read_optional(dir / "lang" / "english-words.txt");
  if (!english) return Error{english.error()};
  return from_text(*everyday, std::move(*english));
}

bool Lexicon::everyday(std::string_view word) const {
  return everyday_.find(std::string(word)) != everyday_.end();
}

int Lexicon::word_class(std::string_view word) const {
  std::size_t lo = 0, hi = offsets_.size();
  while (lo < hi) {
    std::size_t mid = (lo + hi) / 2;
    std::string_view line(english_.data() + offsets_[mid], english_.size() - offsets_[mid]);
    auto sp = line.find_first_of(" \n");
    std::string_view w = line.substr(0, sp);
    int cmp = w.compare(word);
    if (cmp == 0) {
      if (sp == std::string_view::npos || line[sp] != ' ') return 60;
      int cls = 0;
      for (std::size_t i = sp + 1; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) {
        cls = cls * 10 + (line[i] - '0');
      }
      return cls > 0 ? cls : 60;
    }
    if (cmp < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return 0;
}

}  // namespace guidechat::knowledge
