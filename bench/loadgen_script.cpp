#include "loadgen_script.hpp"

#include <array>
#include <string_view>

namespace guidechat::bench {
namespace {

// Questions people ask about the guide's topics, in their own words.
constexpr std::array<std::string_view, 8> kQuestions = {
    "when should my dad see a doctor?",
    "what causes my eyelid to twitch all the time",
    "is facial spasm dangerous",
    "what can I do at home to relieve the spasms",
    "the left side of my face keeps jerking, what are the symptoms to watch for",
    "can stress or too much coffee make it worse",
    "what treatments are there for hemifacial spasm",
    "how do I know if it is a facial spasm or something else",
};

// Put around the questions so that the same text rarely comes twice in a row
// (8 x 5 x 4 = 160 different questions): a server that cached answers by
// text would not look faster here than with real patients.
constexpr std::array<std::string_view, 5> kOpenings = {
    "", "hello, ", "quick question: ", "my mother asks ", "please tell me "};
constexpr std::array<std::string_view, 4> kEndings = {"", " thanks", " for an adult", " please"};

constexpr std::array<std::string_view, 4> kTypedAnswers = {
    "it started about two weeks ago",
    "mostly in the evening when I am tired",
    "only my left eye, a few times a day",
    "I am not sure, maybe a month",
};

void append_id(std::string& out, std::int64_t id) {
  out += ",\"id\":";
  out += std::to_string(id);
}

}  // namespace

Conversation::Conversation(std::uint64_t variant) : question_(variant) {}

void Conversation::observe(const FrameView& frame) {
  if (frame.type == "welcome" && !frame.first_flow.empty()) {
    flow_.assign(frame.first_flow);
    server_seen_ = true;
    return;
  }
  if (frame.type != "reply") return;  // errors and echoes change nothing
  server_seen_ = true;
  ask_pending_ = frame.has_ask;
  if (frame.has_ask) {
    ask_.assign(frame.ask_id);
    option_.assign(frame.first_option);
    label_.assign(frame.first_label);
  }
}

std::string Conversation::question_frame(std::int64_t id) {
  std::string f = "{\"type\":\"say\"";
  append_id(f, id);
  f += ",\"text\":\"";
  const std::uint64_t n = question_++;
  f += kOpenings[(n / kQuestions.size()) % kOpenings.size()];
  f += kQuestions[n % kQuestions.size()];
  f += kEndings[(n / (kQuestions.size() * kOpenings.size())) % kEndings.size()];
  f += "\"}";
  return f;
}

std::string Conversation::next_frame(std::int64_t id) {
  const int step = step_;
  step_ = (step_ + 1) % kTurnsPerConversation;
  std::string f;
  switch (step) {
    case 0:
      return question_frame(id);
    case 1:
      f = "{\"type\":\"start\"";
      append_id(f, id);
      f += ",\"flow\":\"" + flow_ + "\"}";
      return f;
    case 2:
    case 3:
      // A flow that already ended has nothing to choose: ask a question.
      if (server_seen_ && !ask_pending_) return question_frame(id);
      f = "{\"type\":\"choose\"";
      append_id(f, id);
      f += ",\"ask\":\"" + ask_ + "\",\"options\":[\"" + option_ + "\"]}";
      return f;
    case 4:
      f = "{\"type\":\"say\"";
      append_id(f, id);
      f += ",\"text\":\"";
      if (ask_pending_ && !label_.empty()) {
        // Typed in lower case, as people do; escapes stay valid JSON.
        for (char c : label_) f += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      } else {
        f += kTypedAnswers[question_ % kTypedAnswers.size()];
      }
      f += "\"}";
      return f;
    default:
      f = "{\"type\":\"summary\"";
      append_id(f, id);
      f += "}";
      return f;
  }
}

}  // namespace guidechat::bench
