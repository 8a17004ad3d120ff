#include "protocol/message.hpp"

#include <utility>

namespace guidechat::protocol {

Part Part::Text(std::string text) {
  Part p;
  p.type = PartType::kText;
  p.text = std::move(text);
  return p;
}

Part Part::Answer(std::string text, Source source, double score) {
  Part p;
  p.type = PartType::kAnswer;
  p.text = std::move(text);
  p.source = std::move(source);
  p.score = score;
  return p;
}

Part Part::Outcome(std::string level, std::string text, Source source) {
  Part p;
  p.type = PartType::kOutcome;
  p.level = std::move(level);
  p.text = std::move(text);
  p.source = std::move(source);
  return p;
}

Part Part::Fallback(std::string text, std::vector<std::string> suggestions) {
  Part p;
  p.type = PartType::kFallback;
  p.text = std::move(text);
  p.suggestions = std::move(suggestions);
  return p;
}

std::string_view code_name(ErrorCode code) {
  switch (code) {
    case ErrorCode::kBadJson:
      return "bad_json";
    case ErrorCode::kBadMessage:
      return "bad_message";
    case ErrorCode::kTooLarge:
      return "too_large";
    case ErrorCode::kRateLimited:
      return "rate_limited";
    case ErrorCode::kUnknownFlow:
      return "unknown_flow";
    case ErrorCode::kUnknownAsk:
      return "unknown_ask";
    case ErrorCode::kBadOption:
      return "bad_option";
    case ErrorCode::kBadSession:
      return "bad_session";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

Part Part::Contact(std::string text) {
  Part p;
  p.type = PartType::kContact;
  p.text = std::move(text);
  return p;
}

}  // namespace guidechat::protocol
