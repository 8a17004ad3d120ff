#include "protocol/codec.hpp"

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/limits.hpp"
#include "common/text.hpp"
#include "protocol/json_writer.hpp"
#include "protocol/message_reader.hpp"

namespace guidechat::protocol {

using nlohmann::json;

namespace {

Parsed fail(ErrorCode code, std::string message, MessageId id = {}) {
  Parsed p;
  p.error = ProtocolError{code, std::move(message)};
  p.id = std::move(id);
  return p;
}

// Nesting depth of a JSON text, counted without parsing so that hostile
// inputs (10,000 open brackets) never reach the parser.
int max_depth(std::string_view s) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : s) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

using detail::Fields;
using detail::Value;

// Reads "id": a string of at most kMaxIdChars, or an integer.
bool read_id(const Value& v, MessageId* id, std::string* why) {
  switch (v.kind) {
    case Value::Kind::kAbsent:
    case Value::Kind::kNull:
      return true;
    case Value::Kind::kString:
      if (v.text.size() > limits::kMaxIdChars) {
        *why = "\"id\" is longer than 64 characters";
        return false;
      }
      *id = v.text;
      return true;
    case Value::Kind::kUnsigned:
      if (v.uinteger > static_cast<std::uint64_t>(INT64_MAX)) {
        *why = "\"id\" is out of range";
        return false;
      }
      *id = static_cast<std::int64_t>(v.uinteger);
      return true;
    case Value::Kind::kInteger:
      *id = v.integer;
      return true;
    default:
      *why = "\"id\" must be a string or an integer";
      return false;
  }
}

// A required string field that names something (flow, ask, option).
bool read_name(Value& v, const char* field, std::string* out, std::string* why) {
  if (v.kind == Value::Kind::kAbsent) {
    *why = std::string("missing field \"") + field + "\"";
    return false;
  }
  if (v.kind != Value::Kind::kString) {
    *why = std::string("\"") + field + "\" must be a string";
    return false;
  }
  if (v.text.empty() || v.text.size() > limits::kMaxNameChars) {
    *why = std::string("\"") + field + "\" must be 1 to 64 characters";
    return false;
  }
  *out = std::move(v.text);
  return true;
}

// "guide" of hello and say: optional (absent or null), else a name.
bool read_guide(Value& v, std::string* out, std::string* why) {
  if (v.kind == Value::Kind::kAbsent || v.kind == Value::Kind::kNull) return true;
  if (v.kind == Value::Kind::kString && v.text.empty()) return true;
  return read_name(v, "guide", out, why);
}

void write_id(JsonWriter& w, const MessageId& id) {
  if (auto* s = std::get_if<std::string>(&id)) return w.string(*s);
  if (auto* n = std::get_if<std::int64_t>(&id)) return w.integer(*n);
  w.null();
}

void write_source(JsonWriter& w, const Source& s) {
  w.key("source");
  w.begin_object();
  if (!s.guide.empty()) {
    w.key("guide");
    w.string(s.guide);
    w.key("guide_title");
    w.string(s.guide_title);
  }
  w.key("section");
  w.string(s.section);
  w.key("title");
  w.string(s.title);
  w.end_object();
}

// Members in sorted order, as nlohmann's std::map-backed objects print them.
void write_part(JsonWriter& w, const Part& part) {
  w.begin_object();
  switch (part.type) {
    case PartType::kText:
      w.key("text");
      w.string(part.text);
      w.key("type");
      w.word("text");
      break;
    case PartType::kAnswer:
      w.key("score");
      w.number(std::round(part.score * 1000.0) / 1000.0);
      write_source(w, part.source);
      w.key("text");
      w.string(part.text);
      w.key("type");
      w.word("answer");
      break;
    case PartType::kAsk:
      w.key("free_text");
      w.boolean(part.free_text);
      w.key("id");
      w.string(part.id);
      w.key("multiple");
      w.boolean(part.multiple);
      w.key("options");
      w.begin_array();
      for (const auto& o : part.options) {
        w.begin_object();
        w.key("id");
        w.string(o.id);
        w.key("label");
        w.string(o.label);
        w.end_object();
      }
      w.end_array();
      w.key("text");
      w.string(part.text);
      w.key("type");
      w.word("ask");
      break;
    case PartType::kOutcome:
      if (!part.emergency.empty()) {
        w.key("emergency");
        w.string(part.emergency);
      }
      w.key("level");
      w.string(part.level);
      write_source(w, part.source);
      w.key("text");
      w.string(part.text);
      w.key("type");
      w.word("outcome");
      break;
    case PartType::kFallback:
      w.key("suggestions");
      w.begin_array();
      for (const auto& s : part.suggestions) w.string(s);
      w.end_array();
      w.key("text");
      w.string(part.text);
      w.key("type");
      w.word("fallback");
      break;
    case PartType::kSummary:
      w.key("items");
      w.begin_array();
      for (const auto& i : part.items) {
        w.begin_object();
        w.key("answer");
        w.string(i.answer);
        w.key("question");
        w.string(i.question);
        w.end_object();
      }
      w.end_array();
      w.key("text");
      w.string(part.text);
      w.key("type");
      w.word("summary");
      break;
    case PartType::kContact:
      // Only the details the clinic has set.
      for (auto [key, value] : {std::pair{"emergency_phone", &part.emergency_phone},
                                std::pair{"hours", &part.hours}, std::pair{"phone", &part.phone}}) {
        if (value->empty()) continue;
        w.key(key);
        w.string(*value);
      }
      w.key("text");
      w.string(part.text);
      w.key("type");
      w.word("contact");
      if (!part.url.empty()) {
        w.key("url");
        w.string(part.url);
      }
      break;
  }
  w.end_object();
}

void write_parts(JsonWriter& w, const std::vector<Part>& parts) {
  w.key("parts");
  w.begin_array();
  for (const auto& p : parts) write_part(w, p);
  w.end_array();
}

// A reply frame is a few hundred bytes: one allocation for most. Kept under
// 1,008 bytes, glibc's smallest "large" request, which would make malloc
// consolidate its fast bins on every turn.
constexpr std::size_t kFrameReserve = 960;

}  // namespace

Parsed parse_client(std::string_view frame) {
  if (!text::valid_utf8(frame)) return fail(ErrorCode::kBadJson, "message is not valid UTF-8");
  if (max_depth(frame) > limits::kMaxJsonDepth) {
    return fail(ErrorCode::kBadMessage, "message is nested too deeply");
  }

  Fields f;
  const detail::ReadResult read = detail::read_message(frame, &f);
  if (!read.valid) return fail(ErrorCode::kBadJson, "message is not valid JSON");
  if (read.top != Value::Kind::kObject) {
    return fail(ErrorCode::kBadMessage, "message must be a JSON object");
  }

  std::string why;
  MessageId id;
  if (!read_id(f.id, &id, &why)) return fail(ErrorCode::kBadMessage, why);
  // Duplicate keys are refused: two readers of the same message must never
  // disagree on what it says.
  if (read.duplicate) return fail(ErrorCode::kBadMessage, "message has a duplicate key", id);

  if (f.type.kind == Value::Kind::kAbsent) {
    return fail(ErrorCode::kBadMessage, "missing field \"type\"", id);
  }
  if (f.type.kind != Value::Kind::kString) {
    return fail(ErrorCode::kBadMessage, "\"type\" must be a string", id);
  }
  const std::string& type = f.type.text;

  ClientMessage m;
  m.id = id;
  if (type == "hello") {
    m.type = ClientType::kHello;
    if (f.session.kind != Value::Kind::kAbsent && f.session.kind != Value::Kind::kNull) {
      if (f.session.kind != Value::Kind::kString) {
        return fail(ErrorCode::kBadMessage, "\"session\" must be a string", id);
      }
      m.session = std::move(f.session.text);
    }
    if (!read_guide(f.guide, &m.guide, &why)) return fail(ErrorCode::kBadMessage, why, id);
  } else if (type == "say") {
    m.type = ClientType::kSay;
    if (!read_guide(f.guide, &m.guide, &why)) return fail(ErrorCode::kBadMessage, why, id);
    if (f.text.kind == Value::Kind::kAbsent) {
      return fail(ErrorCode::kBadMessage, "missing field \"text\"", id);
    }
    if (f.text.kind != Value::Kind::kString) {
      return fail(ErrorCode::kBadMessage, "\"text\" must be a string", id);
    }
    m.text = std::move(f.text.text);
    if (m.text.size() > limits::kMaxSayBytes) {
      return fail(ErrorCode::kTooLarge,
                  "\"text\" is longer than " + std::to_string(limits::kMaxSayBytes) + " bytes", id);
    }
    if (text::trim(m.text).empty()) return fail(ErrorCode::kBadMessage, "\"text\" is empty", id);
  } else if (type == "choose") {
    m.type = ClientType::kChoose;
    if (!read_name(f.ask, "ask", &m.ask, &why)) return fail(ErrorCode::kBadMessage, why, id);
    if (f.options.kind == Value::Kind::kAbsent) {
      return fail(ErrorCode::kBadMessage, "missing field \"options\"", id);
    }
    if (f.options.kind != Value::Kind::kArray) {
      return fail(ErrorCode::kBadMessage, "\"options\" must be an array", id);
    }
    if (f.option_items.empty() || f.option_items.size() > limits::kMaxChooseOptions) {
      return fail(ErrorCode::kBadMessage, "\"options\" must hold 1 to 32 option ids", id);
    }
    for (auto& o : f.option_items) {
      if (o.kind != Value::Kind::kString || o.text.empty() ||
          o.text.size() > limits::kMaxNameChars) {
        return fail(ErrorCode::kBadMessage, "each option must be a string of 1 to 64 characters",
                    id);
      }
      m.options.push_back(std::move(o.text));
    }
  } else if (type == "start") {
    m.type = ClientType::kStart;
    if (!read_name(f.flow, "flow", &m.flow, &why)) return fail(ErrorCode::kBadMessage, why, id);
  } else if (type == "summary") {
    m.type = ClientType::kSummary;
  } else if (type == "reset") {
    m.type = ClientType::kReset;
  } else {
    return fail(ErrorCode::kBadMessage, "unknown message type", id);
  }
  Parsed p;
  p.message = std::move(m);
  p.id = std::move(id);
  return p;
}

std::string build_welcome(std::string_view session, const std::vector<FlowInfo>& flows,
                          const std::vector<Part>& parts, const std::vector<GuideInfo>& guides) {
  std::string out;
  out.reserve(kFrameReserve);
  JsonWriter w(&out);
  w.begin_object();
  w.key("flows");
  w.begin_array();
  for (const auto& f : flows) {
    w.begin_object();
    if (!f.guide.empty()) {
      w.key("guide");
      w.string(f.guide);
    }
    w.key("id");
    w.string(f.id);
    w.key("title");
    w.string(f.title);
    w.end_object();
  }
  w.end_array();
  if (!guides.empty()) {
    w.key("guides");
    w.begin_array();
    for (const auto& g : guides) {
      w.begin_object();
      w.key("id");
      w.string(g.id);
      w.key("title");
      w.string(g.title);
      w.end_object();
    }
    w.end_array();
  }
  write_parts(w, parts);
  w.key("session");
  w.string(session);
  w.key("type");
  w.word("welcome");
  w.end_object();
  return out;
}

std::string build_reply(const MessageId& reply_to, std::string_view session,
                        const std::vector<Part>& parts, bool reset) {
  std::string out;
  out.reserve(kFrameReserve);
  JsonWriter w(&out);
  w.begin_object();
  write_parts(w, parts);
  if (!std::holds_alternative<std::monostate>(reply_to)) {
    w.key("reply_to");
    write_id(w, reply_to);
  }
  if (reset) {
    w.key("reset");
    w.boolean(true);
  }
  w.key("session");
  w.string(session);
  w.key("type");
  w.word("reply");
  w.end_object();
  return out;
}

std::string build_error(const MessageId& reply_to, ErrorCode code, std::string_view message) {
  std::string out;
  JsonWriter w(&out);
  w.begin_object();
  w.key("code");
  w.word(code_name(code));
  w.key("message");
  w.string(message);
  if (!std::holds_alternative<std::monostate>(reply_to)) {
    w.key("reply_to");
    write_id(w, reply_to);
  }
  w.key("type");
  w.word("error");
  w.end_object();
  return out;
}

json part_to_json(const Part& part) {
  std::string out;
  JsonWriter w(&out);
  write_part(w, part);
  return json::parse(out);
}

json reply_to_json(const MessageId& reply_to, std::string_view session,
                   const std::vector<Part>& parts) {
  return json::parse(build_reply(reply_to, session, parts));
}

}  // namespace guidechat::protocol
