// The chat protocol's messages as plain C++ values (../shared/protocol.md,
// version 1). Parsing and building JSON lives in codec.hpp; the dialog engine
// works on these structs only, so it never sees JSON.
//
// Thread-safety: plain values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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
  std::string guide;                 // hello, say (optional): keep to this guide
};

struct Source {
  Source() = default;
  Source(std::string section_id, std::string section_title, std::string guide_id = {},
         std::string guide_name = {})
      : section(std::move(section_id)),
        title(std::move(section_title)),
        guide(std::move(guide_id)),
        guide_title(std::move(guide_name)) {}

  std::string section;
  std::string title;
  std::string guide;        // optional: the guide's id (or "emergencies": the clinic's texts)
  std::string guide_title;  // optional: its title
};

struct Option {
  std::string id;
  std::string label;
};

struct SummaryItem {
  std::string question;
  std::string answer;
};

enum class PartType { kText, kAnswer, kAsk, kOutcome, kFallback, kSummary, kContact };

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
  std::string emergency;                 // outcome, optional: the emergency kind's id
  std::string phone;                     // contact, optional: the clinic's number
  std::string emergency_phone;           // contact, optional: the emergency number
  std::string hours;                     // contact, optional
  std::string url;                       // contact, optional: booking or contact page
  std::vector<std::string> suggestions;  // fallback
  std::vector<SummaryItem> items;        // summary

  static Part Text(std::string text);
  static Part Answer(std::string text, Source source, double score);
  static Part Outcome(std::string level, std::string text, Source source);
  static Part Fallback(std::string text, std::vector<std::string> suggestions);
  static Part Contact(std::string text);
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

// How many codes there are (kInternal stays the last).
inline constexpr std::size_t kErrorCodeCount = static_cast<std::size_t>(ErrorCode::kInternal) + 1;

// The wire name of a code, e.g. "bad_json".
std::string_view code_name(ErrorCode code);

struct ProtocolError {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // for people; never echoes what the patient typed
};

struct FlowInfo {
  std::string id;
  std::string title;
  std::string guide;  // optional: the guide it belongs to (sent with several guides)
};

// A guide offered in `welcome` when several are loaded.
struct GuideInfo {
  std::string id;
  std::string title;
};

}  // namespace guidechat::protocol
