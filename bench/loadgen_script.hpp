// The scripted conversation one load-generator connection holds with the
// server, turn after turn: a question (`say`), a flow start (`start`), two
// `choose`s answering the pending question, a typed answer (`say`: the words
// of the first offered option, as a person would type them) and a
// `summary`, then again from the top. Each frame carries an integer "id" so
// the reply can be matched through "reply_to" (or through "id" when an echo
// server sends the frame back). Against an echo server the same frames are
// sent, with a placeholder question id, so both servers move the same bytes.
//
// Thread-safety: one instance per connection, used from its thread only.
#pragma once

#include <cstdint>
#include <string>

#include "loadgen_scan.hpp"

namespace guidechat::bench {

class Conversation {
 public:
  // `variant` picks where in the question list this connection starts, so
  // connections do not all ask the same thing at the same time.
  explicit Conversation(std::uint64_t variant);

  // The frame of the next turn, with `id`, and advances the script.
  std::string next_frame(std::int64_t id);

  // Learns the pending question and the offered flows from a server frame.
  void observe(const FrameView& frame);

  static constexpr int kTurnsPerConversation = 6;

 private:
  std::string question_frame(std::int64_t id);

  std::uint64_t question_ = 0;
  int step_ = 0;
  std::string flow_ = "symptom-check";
  std::string ask_ = "onset";  // placeholder until a server offers one
  std::string option_ = "yes";
  std::string label_;  // of option_, typed as the answer in the person's words
  bool ask_pending_ = false;
  bool server_seen_ = false;  // a reply or welcome came: asks are real
};

}  // namespace guidechat::bench
