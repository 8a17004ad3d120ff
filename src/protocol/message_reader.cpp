#include "protocol/message_reader.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "common/limits.hpp"

namespace guidechat::protocol::detail {

namespace {

// Objects with more keys than this are checked for duplicates by sorting;
// smaller ones (every real message) by comparing each pair.
constexpr std::size_t kPairwiseKeys = 8;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

void append_utf8(std::string* out, std::uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class Reader {
 public:
  Reader(std::string_view s, Fields* fields, std::vector<std::string>* keys)
      : p_(s.data()), end_(s.data() + s.size()), fields_(fields), keys_(keys) {}

  ReadResult document() {
    ReadResult r;
    // nlohmann skips a UTF-8 byte order mark at the very start.
    if (end_ - p_ >= 3 && std::string_view(p_, 3) == "\xEF\xBB\xBF") p_ += 3;
    Value top;
    skip_space();
    if (!value(&top, 0, true)) return r;
    skip_space();
    // nlohmann's lexer takes a NUL byte for the end of the input: whatever
    // follows one after a complete value is never read.
    if (p_ != end_ && *p_ != '\0') return r;
    r.valid = true;
    r.top = top.kind;
    r.duplicate = duplicate_;
    return r;
  }

 private:
  void skip_space() {
    while (p_ != end_ && is_space(*p_)) ++p_;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word) {
      return false;
    }
    p_ += word.size();
    return true;
  }

  // One JSON value into `out` (nullptr: checked, not kept). `top` is the
  // whole message; `items` collects the elements when the value is the
  // top-level "options" array.
  bool value(Value* out, int depth, bool top, std::vector<Value>* items = nullptr) {
    if (p_ == end_) return false;
    Value scratch;
    Value* v = out != nullptr ? out : &scratch;
    switch (*p_) {
      case '{':
        *v = Value{Value::Kind::kObject, {}, 0, 0};
        return object(depth + 1, top);
      case '[':
        *v = Value{Value::Kind::kArray, {}, 0, 0};
        if (items != nullptr) items->clear();
        return array(depth + 1, items);
      case '"':
        *v = Value{Value::Kind::kString, {}, 0, 0};
        return string(out != nullptr ? &v->text : nullptr);
      case 't':
        *v = Value{Value::Kind::kBool, {}, 0, 0};
        return literal("true");
      case 'f':
        *v = Value{Value::Kind::kBool, {}, 0, 0};
        return literal("false");
      case 'n':
        *v = Value{Value::Kind::kNull, {}, 0, 0};
        return literal("null");
      default:
        return number(v);
    }
  }

  bool object(int depth, bool top) {
    if (depth > limits::kMaxJsonDepth) return false;  // checked before; belt and braces
    ++p_;                                             // '{'
    const std::size_t first_key = keys_->size();
    skip_space();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    while (true) {
      skip_space();
      if (p_ == end_ || *p_ != '"') return false;
      keys_->emplace_back();
      if (!string(&keys_->back())) return false;
      skip_space();
      if (p_ == end_ || *p_ != ':') return false;
      ++p_;
      skip_space();
      Value* target = top ? member(keys_->back()) : nullptr;
      std::vector<Value>* items = target == &fields_->options ? &fields_->option_items : nullptr;
      if (!value(target, depth, false, items)) return false;
      skip_space();
      if (p_ == end_) return false;
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ != '}') return false;
      ++p_;
      break;
    }
    note_duplicates(first_key);
    keys_->resize(first_key);
    return true;
  }

  bool array(int depth, std::vector<Value>* items) {
    if (depth > limits::kMaxJsonDepth) return false;
    ++p_;  // '['
    skip_space();
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    while (true) {
      skip_space();
      Value* item = items != nullptr ? &items->emplace_back() : nullptr;
      if (!value(item, depth, false)) return false;
      skip_space();
      if (p_ == end_) return false;
      if (*p_ == ',') {
        ++p_;
        continue;
      }
      if (*p_ != ']') return false;
      ++p_;
      return true;
    }
  }

  void note_duplicates(std::size_t first_key) {
    auto begin = keys_->begin() + static_cast<std::ptrdiff_t>(first_key);
    auto end = keys_->end();
    if (static_cast<std::size_t>(end - begin) <= kPairwiseKeys) {
      for (auto a = begin; a != end; ++a) {
        for (auto b = a + 1; b != end; ++b) {
          if (*a == *b) duplicate_ = true;
        }
      }
      return;
    }
    std::sort(begin, end);  // the keys are dropped after this anyway
    if (std::adjacent_find(begin, end) != end) duplicate_ = true;
  }

  Value* member(std::string_view k) {
    if (k == "id") return &fields_->id;
    if (k == "type") return &fields_->type;
    if (k == "session") return &fields_->session;
    if (k == "text") return &fields_->text;
    if (k == "ask") return &fields_->ask;
    if (k == "flow") return &fields_->flow;
    if (k == "guide") return &fields_->guide;
    if (k == "options") return &fields_->options;
    return nullptr;
  }

  // A string, decoded into `out` (nullptr: checked only).
  bool string(std::string* out) {
    ++p_;  // '"'
    const char* run = p_;
    while (true) {
      // Copy plain bytes in runs; the text is known to be valid UTF-8.
      while (p_ != end_ && *p_ != '"' && *p_ != '\\' && static_cast<unsigned char>(*p_) >= 0x20) {
        ++p_;
      }
      if (p_ == end_ || static_cast<unsigned char>(*p_) < 0x20) return false;
      if (out != nullptr) out->append(run, p_);
      if (*p_ == '"') {
        ++p_;
        return true;
      }
      if (!escape(out)) return false;
      run = p_;
    }
  }

  // The escape at p_ ('\\'), decoded into `out` (nullptr: checked only).
  bool escape(std::string* out) {
    ++p_;  // '\\'
    if (p_ == end_) return false;
    char c;
    switch (*p_++) {
      case '"':
        c = '"';
        break;
      case '\\':
        c = '\\';
        break;
      case '/':
        c = '/';
        break;
      case 'b':
        c = '\b';
        break;
      case 'f':
        c = '\f';
        break;
      case 'n':
        c = '\n';
        break;
      case 'r':
        c = '\r';
        break;
      case 't':
        c = '\t';
        break;
      case 'u': {
        std::uint32_t cp;
        if (!hex4(&cp)) return false;
        if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a low surrogate alone
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          // A high surrogate must be followed by a low one.
          std::uint32_t low;
          if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return false;
          p_ += 2;
          if (!hex4(&low) || low < 0xDC00 || low > 0xDFFF) return false;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        if (out != nullptr) append_utf8(out, cp);
        return true;
      }
      default:
        return false;
    }
    if (out != nullptr) out->push_back(c);
    return true;
  }

  bool hex4(std::uint32_t* cp) {
    if (end_ - p_ < 4) return false;
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const int h = hex_value(p_[i]);
      if (h < 0) return false;
      v = (v << 4) | static_cast<std::uint32_t>(h);
    }
    p_ += 4;
    *cp = v;
    return true;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, kept as nlohmann keeps
  // it: an integer when it fits (int64 if negative, uint64 if not), else a
  // float.
  bool number(Value* v) {
    const char* start = p_;
    auto digits = [&] {
      const char* from = p_;
      while (p_ != end_ && *p_ >= '0' && *p_ <= '9') ++p_;
      return p_ != from;
    };
    if (*p_ == '-') ++p_;
    if (p_ == end_) return false;
    if (*p_ == '0') {
      ++p_;
    } else if (*p_ >= '1' && *p_ <= '9') {
      digits();
    } else {
      return false;
    }
    bool integral = true;
    if (p_ != end_ && *p_ == '.') {
      ++p_;
      if (!digits()) return false;
      integral = false;
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (!digits()) return false;
      integral = false;
    }
    if (integral) {
      if (*start == '-') {
        std::int64_t n;
        if (std::from_chars(start, p_, n).ec == std::errc()) {
          *v = Value{Value::Kind::kInteger, {}, n, 0};
          return true;
        }
      } else {
        std::uint64_t n;
        if (std::from_chars(start, p_, n).ec == std::errc()) {
          *v = Value{Value::Kind::kUnsigned, {}, 0, n};
          return true;
        }
      }
    }
    *v = Value{Value::Kind::kFloat, {}, 0, 0};
    return finite(start, p_);
  }

  // nlohmann refuses a number a double cannot hold ("number overflow");
  // one too small for it is read as 0 and accepted.
  static bool finite(const char* from, const char* to) {
    double d;
    if (std::from_chars(from, to, d).ec == std::errc()) return true;
    const std::string copy(from, to);  // rare: out of range one way or the other
    return std::isfinite(std::strtod(copy.c_str(), nullptr));
  }

  const char* p_;
  const char* end_;
  Fields* fields_;
  std::vector<std::string>* keys_;  // of the objects being read, innermost last
  bool duplicate_ = false;
};

}  // namespace

ReadResult read_message(std::string_view frame, Fields* fields) {
  // The key buffers are reused from message to message on each thread.
  thread_local std::vector<std::string> keys;
  keys.clear();
  return Reader(frame, fields, &keys).document();
}

}  // namespace guidechat::protocol::detail
