// The chat protocol's messages as plain C++ values (../shared/protocol.md,
// version 1). Parsing and building JSON lives in codec.hpp; the dialog engine
// works on these structs only, so it never sees JSON.
//
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace guidechat::protocol {

// A client's "id": absent, a string or an integer. Echoed as "reply_to".
using MessageId = std::variant<std::monostate, std::string, std::int64_t>;

enum class ClientType { kHello, kSay, kChoose, kStart, kSummary, kReset };

struct ClientMessage {
  ClientType type = ClientType::kSay;
  MessageId id;
  std::string session;               // hello (empty: none given)
  std::string text;                  // say
  std::string ask;                   // choose
  std::vector<std::string> options;  // choose
  std::string flow;                  // start
};

struct Source {
  std::string section;
  std::string title;
};

struct Option {
  std::string id;
  std::string label;
};

struct SummaryItem {
  std::string question;
  std::string answer;
};

enum class PartType { kText, kAnswer, kAsk, kOutcome, kFallback, kSummary };

// One part of a reply. Only the fields of its type are serialized.
struct Part {
  PartType type = PartType::kText;
  std::string text;                      // all but summary's optional text
  Source source;                         // answer, outcome
  double score = 0.0;                    // answer, 0..1
  std::string id;                        // ask
  std::vector<Option> options;           // ask
  bool multiple = false;                 // ask
  bool free_text = true;                 // ask
  std::string level;                     // outcome: urgent | doctor | self-care
  std::vector<std::string> suggestions;  // fallback
  std::vector<SummaryItem> items;        // summary

  static Part Text(std::string text);
  static Part Answer(std::string text, Source source, double score);
  static Part Outcome(std::string level, std::string text, Source source);
  static Part Fallback(std::string text, std::vector<std::string> suggestions);
};

enum class ErrorCode {
  kBadJson,
  kBadMessage,
  kTooLarge,
  kRateLimited,
  kUnknownFlow,
  kUnknownAsk,
  kBadOption,
  kBadSession,
  kInternal,
};

// The wire name of a code, e.g. "bad_json".
std::string_view code_name(ErrorCode code);

struct ProtocolError {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // for people; never echoes what the patient typed
};

struct FlowInfo {
  std::string id;
  std::string title;
};

}  // namespace guidechat::protocol
