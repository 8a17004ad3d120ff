#include "common/text.hpp"

#include <algorithm>
#include <array>
#include <vector>

namespace guidechat::text {

std::size_t utf8_sequence(std::string_view s, std::size_t at) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + at;
  const std::size_t left = s.size() - at;
  const unsigned char c = *p;
  if (c < 0x80) return 1;
  std::size_t n;
  unsigned cp;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 1;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 2;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 3;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (left <= n) return 0;
  for (std::size_t i = 1; i <= n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10FFFF))) return 0;
  if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
  return n + 1;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t n = utf8_sequence(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string fold(std::string_view s) {
  std::string out;
  fold_append(s, &out);
  return out;
}

namespace {

// fold() of each ASCII byte.
constexpr std::array<char, 128> kAsciiFold = [] {
  std::array<char, 128> t{};
  for (int c = 0; c < 128; ++c) {
    if (c >= 'A' && c <= 'Z') {
      t[c] = static_cast<char>(c - 'A' + 'a');
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '\'') {
      t[c] = static_cast<char>(c);
    } else {
      t[c] = ' ';
    }
  }
  return t;
}();

}  // namespace

void fold_append(std::string_view s, std::string* out_ptr) {
  std::string& out = *out_ptr;
  // Folding never lengthens text, so the bytes are written in place and the
  // string cut to size at the end.
  const std::size_t base = out.size();
  out.resize(base + s.size());
  char* p = out.data() + base;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      *p++ = kAsciiFold[c];
      continue;
    }
    // U+2018 / U+2019 (curly apostrophes) become a plain apostrophe.
    if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) == 0x98 ||
         static_cast<unsigned char>(s[i + 2]) == 0x99)) {
      *p++ = '\'';
      i += 2;
      continue;
    }
    // Other multi-byte sequences: keep 2-byte ones (Latin letters with
    // accents and similar), blank out 3- and 4-byte ones (symbols, emoji,
    // punctuation such as dashes and quotes).
    std::size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (len == 2 && i + 1 < s.size()) {
      *p++ = s[i];
      *p++ = s[i + 1];
    } else {
      *p++ = ' ';
    }
    i += std::min(len, s.size() - i) - 1;
  }
  out.resize(static_cast<std::size_t>(p - out.data()));
}

std::vector<std::string> words(std::string_view s) {
  std::string folded = fold(s);
  std::vector<std::string> out;
  for_each_word(folded, [&](std::string_view w) { out.emplace_back(w); });
  return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
  const std::size_t n = a.size(), m = b.size();
  if ((n > m ? n - m : m - n) > limit) return limit + 1;
  // Three rows of the table: on the stack for words (the speller calls this
  // for every known word of a similar length), on the heap for longer text.
  constexpr std::size_t kStackRow = 64;
  std::array<std::size_t, 3 * kStackRow> stack;  // every cell is written before it is read
  std::vector<std::size_t> heap;
  std::size_t* rows = stack.data();
  if (m + 1 > kStackRow) {
    heap.assign(3 * (m + 1), 0);
    rows = heap.data();
  }
  std::size_t* prev2 = rows;
  std::size_t* prev = rows + (m + 1);
  std::size_t* cur = rows + 2 * (m + 1);
  for (std::size_t j = 0; j <= m; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    cur[0] = i;
    std::size_t row_min = cur[0];
    for (std::size_t j = 1; j <= m; ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > limit) return limit + 1;
    std::size_t* oldest = prev2;
    prev2 = prev;
    prev = cur;
    cur = oldest;
  }
  return std::min(prev[m], limit + 1);
}

std::string_view truncate_utf8(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut);
}

std::string_view trim(std::string_view s) {
  const char* ws = " \t\r\n\f\v";
  auto b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(ws);
  return s.substr(b, e - b + 1);
}

}  // namespace guidechat::text
