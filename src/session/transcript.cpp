#include "session/transcript.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "session/conversation.hpp"

namespace guidechat::session {

using nlohmann::json;

namespace {

// Tokens outlive any transcript.
constexpr std::chrono::seconds kTokenTtl{3600};

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

void Coverage::record(const std::vector<dialog::Visit>& trace) {
  for (const dialog::Visit& v : trace) seen_.insert(key(v.flow, v.node, v.option));
}

std::vector<std::string> Coverage::missing(const dialog::FlowSet& flows) const {
  std::vector<std::string> out;
  for (const dialog::Flow& f : flows.flows()) {
    for (const dialog::Node& n : f.nodes) {
      if (!seen_.count(key(f.id, n.id, ""))) out.push_back(key(f.id, n.id, ""));
      for (const auto& o : n.options) {
        if (!seen_.count(key(f.id, n.id, o.id))) out.push_back(key(f.id, n.id, o.id));
      }
    }
  }
  return out;
}

std::array<std::size_t, 4> Coverage::counts(const dialog::FlowSet& flows) const {
  std::array<std::size_t, 4> c{0, 0, 0, 0};
  for (const dialog::Flow& f : flows.flows()) {
    for (const dialog::Node& n : f.nodes) {
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

ConversationDriver::ConversationDriver(const dialog::Engine& engine, Coverage* coverage)
    : engine_(engine),
      coverage_(coverage),
      sealer_(TokenSealer::random()),
      conversation_(sealer_, kTokenTtl) {}

json ConversationDriver::open() {
  return json::parse(conversation_.welcome(engine_, Clock::now()).frame);
}

json ConversationDriver::send(const std::string& frame) {
  TurnResult result = conversation_.handle(frame, engine_, Clock::now());
  if (coverage_ != nullptr) coverage_->record(result.trace);
  return json::parse(result.frame);
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

}  // namespace guidechat::session
