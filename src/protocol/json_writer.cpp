#include "protocol/json_writer.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include <nlohmann/json.hpp>

#include "common/text.hpp"

namespace guidechat::protocol {

namespace {

// True when one of the 8 bytes of `w` needs a look of its own: a control
// character, '"', '\\' or a byte of a multi-byte UTF-8 sequence. Most text
// has none, so it is skipped 8 bytes at a time (the byte loop was 9% of a
// turn's CPU).
bool needs_care(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  auto zero_byte = [](std::uint64_t x) { return (x - kOnes) & ~x & kHigh; };
  const std::uint64_t control = (w - kOnes * 0x20) & ~w & kHigh;  // a byte < 0x20
  return ((w & kHigh) | control | zero_byte(w ^ (kOnes * '"')) | zero_byte(w ^ (kOnes * '\\'))) !=
         0;
}

}  // namespace

void append_json_string(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  const std::size_t start = out->size();
  out->push_back('"');
  std::size_t plain = 0;  // start of the run of bytes copied as they are
  for (std::size_t i = 0; i < s.size();) {
    if (i + 8 <= s.size()) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (!needs_care(w)) {
        i += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t n = text::utf8_sequence(s, i);
      if (n == 0) {
        // Rare (text is checked on the way in): let nlohmann do the exact
        // replacement of the bad bytes.
        out->resize(start);
        *out += nlohmann::json(std::string(s))
                    .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        return;
      }
      i += n;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out->append(s.data() + plain, i - plain);
    plain = ++i;
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\b':
        *out += "\\b";
        break;
      case '\f':
        *out += "\\f";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        *out += "\\u00";
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
    }
  }
  out->append(s.data() + plain, s.size() - plain);
  out->push_back('"');
}

void JsonWriter::separate() {
  if (!first_) out_->push_back(',');
  first_ = false;
}

void JsonWriter::begin_object() {
  separate();
  out_->push_back('{');
  first_ = true;
}

void JsonWriter::end_object() {
  out_->push_back('}');
  first_ = false;
}

void JsonWriter::begin_array() {
  separate();
  out_->push_back('[');
  first_ = true;
}

void JsonWriter::end_array() {
  out_->push_back(']');
  first_ = false;
}

void JsonWriter::key(std::string_view name) {
  separate();
  out_->push_back('"');
  out_->append(name);
  out_->append("\":", 2);
  first_ = true;  // the value that follows takes no comma
}

void JsonWriter::word(std::string_view w) {
  separate();
  out_->push_back('"');
  out_->append(w);
  out_->push_back('"');
}

void JsonWriter::string(std::string_view s) {
  separate();
  append_json_string(out_, s);
}

void JsonWriter::integer(std::int64_t n) {
  separate();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, n);
  out_->append(buf, r.ptr);
}

void JsonWriter::number(double d) {
  separate();
  if (!std::isfinite(d)) {
    *out_ += "null";
    return;
  }
  // nlohmann's format: fixed notation from 1e-4 up to 1e15, else "1e-05".
  const double a = std::fabs(d);
  const bool fixed = a == 0 || (a >= 1e-4 && a < 1e15);
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d,
                         fixed ? std::chars_format::fixed : std::chars_format::scientific);
  std::string_view text(buf, static_cast<std::size_t>(r.ptr - buf));
  out_->append(text);
  // A whole number is still marked as a float: 1.0, not 1.
  if (fixed && text.find('.') == std::string_view::npos) *out_ += ".0";
}

void JsonWriter::boolean(bool b) {
  separate();
  *out_ += b ? "true" : "false";
}

void JsonWriter::null() {
  separate();
  *out_ += "null";
}

}  // namespace guidechat::protocol
