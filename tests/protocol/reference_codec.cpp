// The codec as it was first written: nlohmann DOM parsing with a callback
// for duplicate keys, frames built as nlohmann trees and dumped. Kept only
// as the reference that src/protocol/codec.cpp (one-pass message reader, frames written
// straight into a string) must agree with, byte for byte.
#include "reference_codec.hpp"

#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/limits.hpp"
#include "common/text.hpp"

namespace guidechat::protocol::reference {

using nlohmann::json;

namespace {

Parsed fail(ErrorCode code, std::string message, MessageId id = {}) {
  Parsed p;
  p.error = ProtocolError{code, std::move(message)};
  p.id = std::move(id);
  return p;
}

// Nesting depth of a JSON text, counted without parsing so that hostile
// inputs (10,000 open brackets) never reach a recursive parser.
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

// Reads "id": a string of at most kMaxIdChars, or an integer.
bool read_id(const json& j, MessageId* id, std::string* why) {
  auto it = j.find("id");
  if (it == j.end() || it->is_null()) return true;
  if (it->is_string()) {
    const auto& s = it->get_ref<const std::string&>();
    if (s.size() > limits::kMaxIdChars) {
      *why = "\"id\" is longer than 64 characters";
      return false;
    }
    *id = s;
    return true;
  }
  if (it->is_number_unsigned()) {
    if (it->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
      *why = "\"id\" is out of range";
      return false;
    }
    *id = static_cast<std::int64_t>(it->get<std::uint64_t>());
    return true;
  }
  if (it->is_number_integer()) {
    *id = it->get<std::int64_t>();
    return true;
  }
  *why = "\"id\" must be a string or an integer";
  return false;
}

// A required string field that names something (flow, ask, option).
bool read_name(const json& j, const char* field, std::string* out, std::string* why) {
  auto it = j.find(field);
  if (it == j.end()) {
    *why = std::string("missing field \"") + field + "\"";
    return false;
  }
  if (!it->is_string()) {
    *why = std::string("\"") + field + "\" must be a string";
    return false;
  }
  const auto& s = it->get_ref<const std::string&>();
  if (s.empty() || s.size() > limits::kMaxIdChars) {
    *why = std::string("\"") + field + "\" must be 1 to 64 characters";
    return false;
  }
  *out = s;
  return true;
}

bool read_guide(const json& j, std::string* out, std::string* why) {
  auto it = j.find("guide");
  if (it == j.end() || it->is_null()) return true;
  if (it->is_string() && it->get_ref<const std::string&>().empty()) return true;
  return read_name(j, "guide", out, why);
}

json id_json(const MessageId& id) {
  if (auto* s = std::get_if<std::string>(&id)) return *s;
  if (auto* n = std::get_if<std::int64_t>(&id)) return *n;
  return nullptr;
}

std::string dump(const json& j) {
  // replace: a stray invalid byte can never turn a reply into an exception.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

json source_json(const Source& s) {
  json j{{"section", s.section}, {"title", s.title}};
  if (!s.guide.empty()) {
    j["guide"] = s.guide;
    j["guide_title"] = s.guide_title;
  }
  return j;
}

}  // namespace

Parsed parse_client(std::string_view frame) {
  if (!text::valid_utf8(frame)) return fail(ErrorCode::kBadJson, "message is not valid UTF-8");
  if (max_depth(frame) > limits::kMaxJsonDepth) {
    return fail(ErrorCode::kBadMessage, "message is nested too deeply");
  }

  // Duplicate keys are refused: two readers of the same message must never
  // disagree on what it says.
  std::vector<std::set<std::string>> keys;
  bool duplicate = false;
  auto callback = [&](int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        keys.emplace_back();
        break;
      case json::parse_event_t::object_end:
        if (!keys.empty()) keys.pop_back();
        break;
      case json::parse_event_t::key:
        if (!keys.empty() && !keys.back().insert(parsed.get<std::string>()).second) {
          duplicate = true;
        }
        break;
      default:
        break;
    }
    return true;
  };
  json j = json::parse(frame.begin(), frame.end(), callback, /*allow_exceptions=*/false);
  if (j.is_discarded()) return fail(ErrorCode::kBadJson, "message is not valid JSON");
  if (!j.is_object()) return fail(ErrorCode::kBadMessage, "message must be a JSON object");

  std::string why;
  MessageId id;
  if (!read_id(j, &id, &why)) return fail(ErrorCode::kBadMessage, why);
  if (duplicate) return fail(ErrorCode::kBadMessage, "message has a duplicate key", id);

  auto type_it = j.find("type");
  if (type_it == j.end()) return fail(ErrorCode::kBadMessage, "missing field \"type\"", id);
  if (!type_it->is_string()) return fail(ErrorCode::kBadMessage, "\"type\" must be a string", id);
  const auto& type = type_it->get_ref<const std::string&>();

  ClientMessage m;
  m.id = id;
  if (type == "hello") {
    m.type = ClientType::kHello;
    auto it = j.find("session");
    if (it != j.end() && !it->is_null()) {
      if (!it->is_string()) return fail(ErrorCode::kBadMessage, "\"session\" must be a string", id);
      m.session = it->get<std::string>();
    }
    if (!read_guide(j, &m.guide, &why)) return fail(ErrorCode::kBadMessage, why, id);
  } else if (type == "say") {
    m.type = ClientType::kSay;
    if (!read_guide(j, &m.guide, &why)) return fail(ErrorCode::kBadMessage, why, id);
    auto it = j.find("text");
    if (it == j.end()) return fail(ErrorCode::kBadMessage, "missing field \"text\"", id);
    if (!it->is_string()) return fail(ErrorCode::kBadMessage, "\"text\" must be a string", id);
    m.text = it->get<std::string>();
    if (m.text.size() > limits::kMaxSayBytes) {
      return fail(ErrorCode::kTooLarge,
                  "\"text\" is longer than " + std::to_string(limits::kMaxSayBytes) + " bytes", id);
    }
    if (text::trim(m.text).empty()) return fail(ErrorCode::kBadMessage, "\"text\" is empty", id);
  } else if (type == "choose") {
    m.type = ClientType::kChoose;
    if (!read_name(j, "ask", &m.ask, &why)) return fail(ErrorCode::kBadMessage, why, id);
    auto it = j.find("options");
    if (it == j.end()) return fail(ErrorCode::kBadMessage, "missing field \"options\"", id);
    if (!it->is_array()) return fail(ErrorCode::kBadMessage, "\"options\" must be an array", id);
    if (it->empty() || it->size() > guidechat::limits::kMaxChooseOptions) {
      return fail(ErrorCode::kBadMessage, "\"options\" must hold 1 to 32 option ids", id);
    }
    for (const auto& o : *it) {
      if (!o.is_string() || o.get_ref<const std::string&>().empty() ||
          o.get_ref<const std::string&>().size() > limits::kMaxIdChars) {
        return fail(ErrorCode::kBadMessage, "each option must be a string of 1 to 64 characters",
                    id);
      }
      m.options.push_back(o.get<std::string>());
    }
  } else if (type == "start") {
    m.type = ClientType::kStart;
    if (!read_name(j, "flow", &m.flow, &why)) return fail(ErrorCode::kBadMessage, why, id);
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

json part_to_json(const Part& part) {
  switch (part.type) {
    case PartType::kText:
      return json{{"type", "text"}, {"text", part.text}};
    case PartType::kAnswer:
      return json{{"type", "answer"},
                  {"text", part.text},
                  {"source", source_json(part.source)},
                  {"score", std::round(part.score * 1000.0) / 1000.0}};
    case PartType::kAsk: {
      json options = json::array();
      for (const auto& o : part.options) options.push_back({{"id", o.id}, {"label", o.label}});
      return json{{"type", "ask"},
                  {"id", part.id},
                  {"text", part.text},
                  {"options", std::move(options)},
                  {"multiple", part.multiple},
                  {"free_text", part.free_text}};
    }
    case PartType::kOutcome: {
      json j{{"type", "outcome"},
             {"level", part.level},
             {"text", part.text},
             {"source", source_json(part.source)}};
      if (!part.emergency.empty()) j["emergency"] = part.emergency;
      return j;
    }
    case PartType::kContact: {
      json j{{"type", "contact"}, {"text", part.text}};
      if (!part.phone.empty()) j["phone"] = part.phone;
      if (!part.emergency_phone.empty()) j["emergency_phone"] = part.emergency_phone;
      if (!part.hours.empty()) j["hours"] = part.hours;
      if (!part.url.empty()) j["url"] = part.url;
      return j;
    }
    case PartType::kFallback:
      return json{{"type", "fallback"}, {"text", part.text}, {"suggestions", part.suggestions}};
    case PartType::kSummary: {
      json items = json::array();
      for (const auto& i : part.items)
        items.push_back({{"question", i.question}, {"answer", i.answer}});
      return json{{"type", "summary"}, {"items", std::move(items)}, {"text", part.text}};
    }
  }
  return json{{"type", "text"}, {"text", part.text}};
}

json reply_to_json(const MessageId& reply_to, std::string_view session,
                   const std::vector<Part>& parts) {
  json j{{"type", "reply"}};
  if (!std::holds_alternative<std::monostate>(reply_to)) j["reply_to"] = id_json(reply_to);
  j["session"] = session;
  json arr = json::array();
  for (const auto& p : parts) arr.push_back(reference::part_to_json(p));
  j["parts"] = std::move(arr);
  return j;
}

std::string build_welcome(std::string_view session, const std::vector<FlowInfo>& flows,
                          const std::vector<Part>& parts, const std::vector<GuideInfo>& guides) {
  json fl = json::array();
  for (const auto& f : flows) {
    json o{{"id", f.id}, {"title", f.title}};
    if (!f.guide.empty()) o["guide"] = f.guide;
    fl.push_back(std::move(o));
  }
  json arr = json::array();
  for (const auto& p : parts) arr.push_back(reference::part_to_json(p));
  json j{{"type", "welcome"},
         {"session", session},
         {"flows", std::move(fl)},
         {"parts", std::move(arr)}};
  if (!guides.empty()) {
    json gl = json::array();
    for (const auto& g : guides) gl.push_back({{"id", g.id}, {"title", g.title}});
    j["guides"] = std::move(gl);
  }
  return dump(j);
}

std::string build_reply(const MessageId& reply_to, std::string_view session,
                        const std::vector<Part>& parts, bool reset) {
  json j = reference::reply_to_json(reply_to, session, parts);
  if (reset) j["reset"] = true;
  return dump(j);
}

std::string build_error(const MessageId& reply_to, ErrorCode code, std::string_view message) {
  json j{{"type", "error"}};
  if (!std::holds_alternative<std::monostate>(reply_to)) j["reply_to"] = id_json(reply_to);
  j["code"] = code_name(code);
  j["message"] = message;
  return dump(j);
}

namespace {

std::string describe_id(const MessageId& id) {
  if (auto* s = std::get_if<std::string>(&id)) return "s:" + *s;
  if (auto* n = std::get_if<std::int64_t>(&id)) return "i:" + std::to_string(*n);
  return "-";
}

}  // namespace

std::string describe(const Parsed& p) {
  std::string out = "id=" + describe_id(p.id);
  if (p.error) {
    out += " error=" + std::string(code_name(p.error->code)) + " " + p.error->message;
  }
  if (p.message) {
    const ClientMessage& m = *p.message;
    out += " type=" + std::to_string(static_cast<int>(m.type)) + " mid=" + describe_id(m.id) +
           " session=" + m.session + " text=" + m.text + " ask=" + m.ask + " flow=" + m.flow +
           " options=";
    for (const auto& o : m.options) out += o + "|";
  }
  if (p.error.has_value() == p.message.has_value()) out += " BROKEN";
  return out;
}

}  // namespace guidechat::protocol::reference
