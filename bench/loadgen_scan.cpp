#include "loadgen_scan.hpp"

#include <charconv>

namespace guidechat::bench {
namespace {

constexpr int kMaxDepth = 32;

// A forward-only walker over one JSON text. Strings are returned raw
// (escapes not decoded): the fields it extracts are plain ASCII ids.
class Walker {
 public:
  explicit Walker(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  bool ok() const { return ok_; }
  bool at_end() {
    skip_ws();
    return p_ == end_;
  }

  void skip_ws() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  bool consume(char c) {
    skip_ws();
    if (p_ != end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }

  char peek() {
    skip_ws();
    return p_ == end_ ? '\0' : *p_;
  }

  bool string(std::string_view& out) {
    if (!consume('"')) return fail();
    const char* start = p_;
    while (p_ != end_) {
      if (*p_ == '\\') {
        p_ += 2;
        continue;
      }
      if (*p_ == '"') {
        out = std::string_view(start, static_cast<std::size_t>(p_ - start));
        ++p_;
        return true;
      }
      ++p_;
    }
    return fail();
  }

  // A number or literal, returned raw.
  bool scalar(std::string_view& out) {
    skip_ws();
    const char* start = p_;
    while (p_ != end_ && *p_ != ',' && *p_ != '}' && *p_ != ']' && *p_ != ' ' && *p_ != '\n' &&
           *p_ != '\r' && *p_ != '\t') {
      ++p_;
    }
    if (p_ == start) return fail();
    out = std::string_view(start, static_cast<std::size_t>(p_ - start));
    return true;
  }

  bool skip_value(int depth) {
    if (depth > kMaxDepth) return fail();
    std::string_view ignored;
    switch (peek()) {
      case '"':
        return string(ignored);
      case '{':
        return object(depth, [&](std::string_view) { return skip_value(depth + 1); });
      case '[':
        return array(depth, [&] { return skip_value(depth + 1); });
      default:
        return scalar(ignored);
    }
  }

  // Calls on_member(key) with the walker before the member's value; it must
  // consume the value.
  template <typename F>
  bool object(int depth, F&& on_member) {
    if (depth > kMaxDepth || !consume('{')) return fail();
    if (consume('}')) return true;
    do {
      std::string_view key;
      if (!string(key) || !consume(':') || !on_member(key)) return fail();
    } while (consume(','));
    return consume('}') || fail();
  }

  template <typename F>
  bool array(int depth, F&& on_element) {
    if (depth > kMaxDepth || !consume('[')) return fail();
    if (consume(']')) return true;
    do {
      if (!on_element()) return fail();
    } while (consume(','));
    return consume(']') || fail();
  }

 private:
  bool fail() {
    ok_ = false;
    p_ = end_;
    return false;
  }

  const char* p_;
  const char* end_;
  bool ok_ = true;
};

std::optional<std::int64_t> to_int(std::string_view raw) {
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), v);
  if (ec != std::errc() || ptr != raw.data() + raw.size()) return std::nullopt;
  return v;
}

// Reads a string or integer value raw.
bool id_value(Walker& w, std::string_view& out) {
  if (w.peek() == '"') return w.string(out);
  return w.scalar(out);
}

// The "id" (and "label", when asked for) of the first object of an array of
// objects; skips the rest.
bool first_id_of_array(Walker& w, int depth, std::string_view& id,
                       std::string_view* label = nullptr) {
  bool first = true;
  return w.array(depth, [&] {
    if (!first || w.peek() != '{') return w.skip_value(depth + 1);
    first = false;
    return w.object(depth + 1, [&](std::string_view key) {
      if (key == "id") return id_value(w, id);
      if (label && key == "label") return w.string(*label);
      return w.skip_value(depth + 2);
    });
  });
}

}  // namespace

bool is_client_type(std::string_view type) {
  return type == "say" || type == "choose" || type == "start" || type == "summary" ||
         type == "reset" || type == "hello";
}

bool scan_frame(std::string_view frame, FrameView& out) {
  out = FrameView{};
  Walker w(frame);
  std::string_view reply_to;
  std::string_view id;
  bool ok = w.object(0, [&](std::string_view key) {
    if (key == "type") return w.string(out.type);
    if (key == "reply_to") return id_value(w, reply_to);
    if (key == "id") return id_value(w, id);
    if (key == "code") return w.string(out.code);
    if (key == "flows") return first_id_of_array(w, 1, out.first_flow);
    if (key == "parts") {
      return w.array(1, [&] {
        std::string_view part_type, part_id, option, label;
        bool part_ok = w.object(2, [&](std::string_view k) {
          if (k == "type") return w.string(part_type);
          if (k == "id") return id_value(w, part_id);
          if (k == "options") return first_id_of_array(w, 3, option, &label);
          return w.skip_value(3);
        });
        if (part_ok && part_type == "ask") {
          out.has_ask = true;
          out.ask_id = part_id;
          out.first_option = option;
          out.first_label = label;
        }
        return part_ok;
      });
    }
    return w.skip_value(1);
  });
  if (!ok || !w.ok() || !w.at_end()) return false;
  std::string_view corr = is_client_type(out.type) ? id : reply_to;
  if (!corr.empty()) out.correlation = to_int(corr);
  return true;
}

}  // namespace guidechat::bench
