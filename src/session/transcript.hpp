// Conversation tests as data (tests/conversations/*.json), like Rasa's test
// stories: what the person sends and what the reply's parts must hold. A
// Driver turns one client frame into one server frame. The transcripts run
// through session::Conversation - the loop the server, `guidechat chat` and
// `guidechat ask` run - recording which flow nodes and options they visit
// (ConversationDriver), and once more through `guidechat chat --jsonl`
// (`guidechat check --coverage --via-chat`).
//
// Transcript format:
//   {"name": "...", "steps": [
//     {"send": {client message}, "expect": [partial part, ...]},
//     {"send": {...}, "expect_includes": [partial part, ...]},
//     {"send": {...}, "error": "unknown_ask"} ]}
// "expect" must match the parts one to one; "expect_includes" in order,
// other parts allowed in between (for answers ranked by search).
// A partial part matches when every field it names matches (objects and
// arrays recursively, arrays by length); "text_contains" checks a substring
// of "text". A hello's "session": "$last" is replaced by the newest token.
//
// Thread-safety: plain functions; a Driver is used by one thread.
#pragma once

#include <array>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "dialog/engine.hpp"
#include "session/conversation.hpp"
#include "session/token.hpp"

namespace guidechat::session {

class Driver {
 public:
  virtual ~Driver() = default;
  // The first frame (welcome) of a new conversation.
  virtual nlohmann::json open() = 0;
  // One client frame in, one server frame out.
  virtual nlohmann::json send(const std::string& frame) = 0;
};

// Nodes and options visited, against every node and option of the flows.
class Coverage {
 public:
  void record(const std::vector<dialog::Visit>& trace);
  // Lines "flow/node" and "flow/node option" not visited yet.
  std::vector<std::string> missing(const dialog::FlowSet& flows) const;
  // Counts over `flows`: {covered nodes, nodes, covered options, options}.
  std::array<std::size_t, 4> counts(const dialog::FlowSet& flows) const;

 private:
  std::set<std::string> seen_;
};

// One conversation through session::Conversation (codec, engine, tokens
// sealed with a random key), recording each turn's visits in `coverage`
// (may be null).
class ConversationDriver : public Driver {
 public:
  ConversationDriver(const dialog::Engine& engine, Coverage* coverage);
  nlohmann::json open() override;
  nlohmann::json send(const std::string& frame) override;

 private:
  const dialog::Engine& engine_;
  Coverage* coverage_;
  TokenSealer sealer_;
  Conversation conversation_;  // uses sealer_
};

struct Transcript {
  std::string file;
  std::string name;
  nlohmann::json steps;
};

Result<Transcript> load_transcript(const std::filesystem::path& path);
// Every *.json in `dir`, sorted by name.
Result<std::vector<Transcript>> load_transcripts(const std::filesystem::path& dir);

// Runs one transcript through a fresh driver; the failures, empty when it passed.
std::vector<std::string> run_transcript(const Transcript& transcript, Driver& driver);

// True when `actual` holds everything `expected` names (see the format above).
bool json_matches(const nlohmann::json& expected, const nlohmann::json& actual);

}  // namespace guidechat::session
