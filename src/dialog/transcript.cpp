#include "dialog/transcript.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "protocol/codec.hpp"

namespace guidechat::dialog {

using nlohmann::json;

namespace {

std::string to_hex(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

bool from_hex(std::string_view hex, std::string* out) {
  if (hex.size() % 2 != 0) return false;
  auto val = [](char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    int hi = val(hex[i]), lo = val(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi * 16 + lo));
  }
  return true;
}

std::string key(std::string_view flow, std::string_view node, std::string_view option) {
  std::string k(flow);
  k += '/';
  k += node;
  if (!option.empty()) {
    k += " option ";
    k += option;
  }
  return k;
}

}  // namespace

void Coverage::record(const std::vector<Visit>& trace) {
  for (const Visit& v : trace) seen_.insert(key(v.flow, v.node, v.option));
}

std::vector<std::string> Coverage::missing(const FlowSet& flows) const {
  std::vector<std::string> out;
  for (const Flow& f : flows.flows()) {
    for (const Node& n : f.nodes) {
      if (!seen_.count(key(f.id, n.id, ""))) out.push_back(key(f.id, n.id, ""));
      for (const auto& o : n.options) {
        if (!seen_.count(key(f.id, n.id, o.id))) out.push_back(key(f.id, n.id, o.id));
      }
    }
  }
  return out;
}

std::array<std::size_t, 4> Coverage::counts(const FlowSet& flows) const {
  std::array<std::size_t, 4> c{0, 0, 0, 0};
  for (const Flow& f : flows.flows()) {
    for (const Node& n : f.nodes) {
      ++c[1];
      if (seen_.count(key(f.id, n.id, ""))) ++c[0];
      for (const auto& o : n.options) {
        ++c[3];
        if (seen_.count(key(f.id, n.id, o.id))) ++c[2];
      }
    }
  }
  return c;
}

json EngineDriver::open() {
  state_ = State{};
  json flows = json::array();
  for (const auto& f : engine_.flows()) flows.push_back({{"id", f.id}, {"title", f.title}});
  json parts = json::array();
  for (const auto& p : engine_.greeting()) parts.push_back(protocol::part_to_json(p));
  return json{{"type", "welcome"},
              {"session", to_hex(encode_state(state_))},
              {"flows", flows},
              {"parts", parts}};
}

json EngineDriver::send(const std::string& frame) {
  protocol::Parsed parsed = protocol::parse_client(frame);
  if (!parsed.message) {
    return json::parse(protocol::build_error(parsed.id, parsed.error->code, parsed.error->message));
  }
  const protocol::ClientMessage& m = *parsed.message;
  Turn turn;
  if (m.type == protocol::ClientType::kHello) {
    if (!m.session.empty()) {
      std::string bytes;
      auto decoded =
          from_hex(m.session, &bytes) ? decode_state(bytes) : Result<State>(Error{"not hex"});
      if (!decoded.ok()) {
        state_ = State{};
        return json::parse(
            protocol::build_error(m.id, protocol::ErrorCode::kBadSession, "bad session"));
      }
      state_ = *decoded;
    }
    turn = engine_.resume(state_);
  } else {
    turn = engine_.handle(state_, m);
  }
  if (coverage_ != nullptr) coverage_->record(turn.trace);
  if (turn.error)
    return json::parse(protocol::build_error(m.id, turn.error->code, turn.error->message));
  state_ = std::move(turn.state);
  return protocol::reply_to_json(m.id, to_hex(encode_state(state_)), turn.parts);
}

bool json_matches(const json& expected, const json& actual) {
  if (expected.is_object()) {
    if (!actual.is_object()) return false;
    for (const auto& [k, v] : expected.items()) {
      if (k == "text_contains") {
        auto it = actual.find("text");
        if (it == actual.end() || !it->is_string() || !v.is_string() ||
            it->get<std::string>().find(v.get<std::string>()) == std::string::npos) {
          return false;
        }
        continue;
      }
      auto it = actual.find(k);
      if (it == actual.end() || !json_matches(v, *it)) return false;
    }
    return true;
  }
  if (expected.is_array()) {
    if (!actual.is_array() || actual.size() != expected.size()) return false;
    for (std::size_t i = 0; i < expected.size(); ++i) {
      if (!json_matches(expected[i], actual[i])) return false;
    }
    return true;
  }
  if (expected.is_number() && actual.is_number()) {
    return expected.get<double>() == actual.get<double>();
  }
  return expected == actual;
}

Result<Transcript> load_transcript(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path.string() + ": cannot read"};
  std::stringstream ss;
  ss << in.rdbuf();
  Transcript t;
  t.file = path.string();
  try {
    json doc = json::parse(ss.str());
    if (!doc.is_object() || !doc.contains("steps") || !doc["steps"].is_array()) {
      return Error{t.file + ": needs {\"name\", \"steps\": [...]}"};
    }
    t.name = doc.value("name", path.stem().string());
    t.steps = doc["steps"];
    for (const auto& step : t.steps) {
      if (!step.is_object() || !step.contains("send") || !step["send"].is_object()) {
        return Error{t.file + ": every step needs a \"send\" object"};
      }
      if (!step.contains("expect") && !step.contains("error") &&
          !step.contains("expect_includes")) {
        return Error{t.file + ": every step needs \"expect\", \"expect_includes\" or \"error\""};
      }
    }
  } catch (const std::exception& e) {
    return Error{t.file + ": " + e.what()};
  }
  return t;
}

Result<std::vector<Transcript>> load_transcripts(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    if (e.path().extension() == ".json") files.push_back(e.path());
  }
  if (ec) return Error{dir.string() + ": " + ec.message()};
  std::sort(files.begin(), files.end());
  std::vector<Transcript> out;
  for (const auto& f : files) {
    auto t = load_transcript(f);
    if (!t.ok()) return Error{t.error()};
    out.push_back(std::move(*t));
  }
  return out;
}

std::vector<std::string> run_transcript(const Transcript& t, Driver& driver) {
  std::vector<std::string> failures;
  json last = driver.open();
  std::string session = last.value("session", "");
  int n = 0;
  for (const auto& step : t.steps) {
    ++n;
    json send = step["send"];
    if (send.value("type", "") == "hello" && send.value("session", "") == "$last") {
      send["session"] = session;
    }
    json got;
    try {
      got = driver.send(send.dump());
    } catch (const std::exception& e) {
      failures.push_back(t.file + ": step " + std::to_string(n) + ": driver failed: " + e.what());
      break;
    }
    if (got.contains("session") && got["session"].is_string()) session = got["session"];
    std::string where = t.file + ": step " + std::to_string(n) + " (" + send.dump() + "): ";
    if (step.contains("error")) {
      if (got.value("type", "") != "error" || got.value("code", "") != step["error"]) {
        failures.push_back(where + "expected error " + step["error"].dump() + ", got " +
                           got.dump());
      }
      continue;
    }
    bool ok = got.value("type", "") == "reply" && got.contains("parts");
    if (ok && step.contains("expect")) ok = json_matches(step["expect"], got["parts"]);
    if (ok && step.contains("expect_includes")) {
      // An ordered subsequence: for replies whose extra parts depend on
      // search ranking rather than on the flow.
      std::size_t at = 0;
      for (const auto& want : step["expect_includes"]) {
        while (at < got["parts"].size() && !json_matches(want, got["parts"][at])) ++at;
        if (at == got["parts"].size()) {
          ok = false;
          break;
        }
        ++at;
      }
    }
    if (!ok) {
      json want = step.contains("expect") ? step["expect"] : step["expect_includes"];
      failures.push_back(where + "expected parts " + want.dump() + "\n  got " + got.dump());
    }
  }
  return failures;
}

}  // namespace guidechat::dialog
