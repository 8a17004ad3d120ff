// Reads a client frame's JSON in one pass, keeping only what the protocol
// looks at: the members of the top-level object and the elements of its
// "options" array. Everything else is checked (strict RFC 8259 JSON, as
// nlohmann's parser checks it, duplicate keys noticed in every object) and
// dropped. It replaced nlohmann's SAX parser on the hot path, where the
// general parser cost more than the rest of reading a message; the
// equivalence test and the fuzz target hold it to nlohmann's verdicts.
//
// Expects text already checked to be valid UTF-8 and nested at most
// limits::kMaxJsonDepth deep (codec.cpp checks both first).
//
// Thread-safety: read_message is a free function with no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace guidechat::protocol::detail {

// What a member of the message held, as far as the protocol's checks need.
struct Value {
  enum class Kind { kAbsent, kNull, kBool, kInteger, kUnsigned, kFloat, kString, kArray, kObject };
  Kind kind = Kind::kAbsent;
  std::string text;            // kString
  std::int64_t integer = 0;    // kInteger
  std::uint64_t uinteger = 0;  // kUnsigned
};

// The members of the message object that the protocol reads.
struct Fields {
  Value id, type, session, text, ask, flow, options, guide;
  std::vector<Value> option_items;  // the elements of "options" when it is an array
};

struct ReadResult {
  bool valid = false;                      // the text is one well-formed JSON value
  Value::Kind top = Value::Kind::kAbsent;  // the kind of that value
  bool duplicate = false;                  // some object has a key twice
};

// Reads `frame` into `fields` (members found in the top-level object; a
// member given twice keeps its last value).
ReadResult read_message(std::string_view frame, Fields* fields);

}  // namespace guidechat::protocol::detail
