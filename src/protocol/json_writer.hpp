// Writes JSON text straight into a string, for the server's frames: building
// an nlohmann::json tree (a std::map per object) and dumping it cost about a
// sixth of the server's CPU per turn. The output is byte for byte what
// nlohmann's dump() gives for the same values (tests/protocol compares the
// two), so callers write keys in sorted order, as a std::map would hold them.
//
// Thread-safety: one writer per string; no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace guidechat::protocol {

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  // A member's name; the next call writes its value. Names are the
  // protocol's own (plain ASCII, nothing to escape), so they are copied as
  // they are: escaping them was 8% of a turn's own CPU.
  void key(std::string_view name);
  // A value that is one of the protocol's own words ("reply", "ask"), copied
  // as it is like a key.
  void word(std::string_view w);

  // Invalid UTF-8 is written with U+FFFD in place of the bad bytes, as
  // nlohmann's error_handler_t::replace does: a reply never fails to build.
  void string(std::string_view s);
  void integer(std::int64_t n);
  // Shortest text that reads back as `d` ("0.5", "1.0"); null if not finite.
  void number(double d);
  void boolean(bool b);
  void null();

 private:
  // A comma before every value or key but the first of its container.
  void separate();

  std::string* out_;
  bool first_ = true;
};

// `s` as a JSON string literal, quotes included.
void append_json_string(std::string* out, std::string_view s);

}  // namespace guidechat::protocol
