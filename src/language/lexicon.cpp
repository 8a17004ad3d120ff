#include "language/lexicon.hpp"

#include <cstdio>
#include <cstdlib>

#include "common/lines.hpp"
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

// Calls `fn` with each line of `text` that is not empty once its comment is
// removed.
template <typename Fn>
void for_each_line(std::string_view text, Fn fn) {
  text::DataLines lines(text);
  for (std::string_view line; lines.next(&line);) {
    if (!line.empty()) fn(line);
  }
}

}  // namespace

Lexicon Lexicon::from_text(std::string_view everyday, std::string english, std::string_view names,
                           std::string lay) {
  Lexicon lex;
  lex.lay_ = LayWords::from_text(std::move(lay));
  for_each_line(everyday, [&](std::string_view line) {
    for (auto& w : text::words(line)) lex.everyday_.insert(std::move(w));
  });
  lex.english_ = std::move(english);
  for_each_line(lex.english_, [&](std::string_view line) {
    auto sp = line.find(' ');
    int cls = 0;
    for (std::size_t i = sp == std::string_view::npos ? line.size() : sp + 1;
         i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) {
      cls = cls * 10 + (line[i] - '0');
    }
    lex.classes_.emplace(line.substr(0, sp), static_cast<std::uint8_t>(cls > 0 ? cls : 60));
  });
  for_each_line(names, [&](std::string_view line) { lex.names_.emplace(line); });
  return lex;
}

Result<Lexicon> Lexicon::load(const std::filesystem::path& dir) {
  auto everyday = read_optional(dir / "everyday-words.txt");
  if (!everyday) return Error{everyday.error()};
  auto english = read_optional(dir / "english-words.txt");
  if (!english) return Error{english.error()};
  auto names = read_optional(dir / "english-names.txt");
  if (!names) return Error{names.error()};
  auto lay = read_optional(dir / "lay-synonyms.txt");
  if (!lay) return Error{lay.error()};
  return from_text(*everyday, std::move(*english), *names, std::move(*lay));
}

bool Lexicon::everyday(std::string_view word) const {
  return everyday_.find(word) != everyday_.end();
}

int Lexicon::word_class(std::string_view word) const {
  auto it = classes_.find(word);
  return it == classes_.end() ? 0 : it->second;
}

std::filesystem::path default_lang_dir() {
  const char* env = std::getenv("GUIDECHAT_LANG");
  if (env != nullptr && *env != '\0') return env;
  return std::filesystem::path(GUIDECHAT_DATA_DIR) / "lang";
}

}  // namespace guidechat::language
