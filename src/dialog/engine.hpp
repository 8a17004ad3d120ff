// The dialog engine: pure and deterministic. (state, client message) ->
// (new state, reply parts). No I/O, no clock, no randomness, so a turn can be
// tested in isolation and replayed from a sealed token on any replica.
//
// Thread-safety: an Engine is immutable after construction; handle() is const
// and safe to call from many threads at once.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dialog/flow.hpp"
#include "dialog/phrases.hpp"
#include "dialog/router.hpp"
#include "dialog/state.hpp"
#include "dialog/understanding.hpp"
#include "knowledge/index.hpp"
#include "protocol/message.hpp"

namespace guidechat::dialog {

// A node (option empty) or an option of an ask node that a turn went
// through: what conversation tests count for coverage. The ids are views of
// the engine's flows (no copies per turn), valid while the engine lives.
struct Visit {
  std::string_view flow;
  std::string_view node;
  std::string_view option;
};

struct Turn {
  State state;
  std::vector<protocol::Part> parts;
  std::optional<protocol::ProtocolError> error;  // set: send an error frame instead
  std::vector<Visit> trace;                      // nodes and options passed, in order
  bool reset = false;  // the conversation started afresh: clients drop what they kept of it
};

class Engine {
 public:
  Engine(std::shared_ptr<const FlowSet> flows, std::shared_ptr<const knowledge::Index> index);

  // The flows offered in `welcome` (with their guide when several guides
  // are loaded).
  std::vector<protocol::FlowInfo> flows() const;
  // The guides offered in `welcome`: empty with one guide.
  std::vector<protocol::GuideInfo> guides() const;
  // The parts of `welcome` for a new conversation.
  std::vector<protocol::Part> greeting() const;
  // The reply to a `hello` that resumed `state`: "welcome back" and the
  // pending ask again, if any.
  Turn resume(const State& state) const;
  // say / choose / start / summary / reset. (hello is handled by the caller,
  // which owns the tokens.)
  Turn handle(const State& state, const protocol::ClientMessage& message) const;

  const FlowSet& flow_set() const { return *flows_; }
  // What a message asks for, as say() reads it (for `ask --explain`).
  Understanding understand(std::string_view text) const;

 private:
  struct Compiled;  // phrase sets and matchers built once from the flows

  // `guide`: keep to that guide (say's "guide"; empty or unknown: any).
  Turn say(State state, std::string_view text, std::string_view guide = {}) const;
  Turn choose(State state, const protocol::ClientMessage& message) const;
  Turn start(State state, const Flow& flow) const;
  // Records an answer to the pending ask and walks on to the next ask or end.
  void answer(const Flow& flow, const Node& ask, std::vector<std::string> ids, Turn* turn) const;
  // Walks from `node_id` through info nodes to the next ask, outcome or summary.
  void enter(const Flow& flow, std::string_view node_id, Turn* turn) const;
  // The reply to an emergency or an urgent sign: the clinic's emergency
  // texts, or the guide's urgent outcome; nothing else.
  void escalate(const SafetyFindings& found, Turn* turn) const;
  // The steps of a typed message, in order; each true when it made the reply.
  bool escalate_if_urgent(const language::Analysis& analysis, std::string_view text,
                          std::string_view guide, const Tokens& tokens, Turn* t) const;
  // Whether the guide with urgent signs is the one a message is about (see
  // escalate_if_urgent).
  bool about_urgent_guide(const language::Analysis& analysis, std::string_view text,
                          std::string_view guide, const Flow* flow) const;
  // A typed answer to the pending question, or a correction of an earlier
  // one; asks again when the answer is unclear.
  // `words`: the message as the analysis split it, read again by each
  // ask's options.
  bool take_typed_answer(const Flow& flow, const Node& ask, const language::Tokens& words,
                         const Tokens& tokens, Turn* t) const;
  bool correct_earlier(const Flow& flow, const Node& pending, const language::Tokens& words,
                       const Tokens& tokens, Turn* t) const;
  // The labels of `ids`, joined: "Around the eyes (blinking), The lips".
  std::string labels(const Node& ask, const std::vector<std::string>& ids) const;
  bool small_talk(const Intent& intent, Turn* t) const;
  bool request(Understanding::Request what, Turn* t, std::string_view guide = {}) const;
  void reply_to_questions(const Understanding& u, Turn* t) const;
  // Answers one question from the guides; false when it is not covered.
  // `*guide`: the one guide answered from (empty when several).
  bool answer_question(const Question& q, Turn* turn, std::vector<std::string>* suggestions,
                       std::string* guide) const;
  // The guides a question is put to: the only one, or those whose words
  // it uses nearly as much as the best one's (at most kMaxGuidesAnswered).
  std::vector<knowledge::GuideFit> guides_asked(const Question& q) const;
  // Answers from one guide's search result; "when should he see a doctor?"
  // from that guide's section about it.
  bool answer_from(const Question& q, const knowledge::SearchResult& r, const std::string& guide,
                   Turn* turn) const;
  // An answer part, unless the reply already has one from that section.
  void add_answer(const std::string& text, const knowledge::Section& section, double score,
                  Turn* turn) const;
  // Cites a section; names its guide too when several guides are loaded.
  protocol::Source source(const std::string& guide, const std::string& section,
                          const std::string& title) const;
  protocol::Part contact_part() const;
  // The pending ask node of `state`, or nullptr.
  const Node* pending(const State& state, const Flow** flow) const;

  std::shared_ptr<const FlowSet> flows_;
  std::shared_ptr<const knowledge::Index> index_;
  std::shared_ptr<const Compiled> compiled_;
};

// The `guide` of the source of emergency texts: the clinic's emergency file.
inline constexpr std::string_view kEmergencyGuide = "emergencies";

// The ask part for an ask node.
protocol::Part ask_part(const Node& ask);

}  // namespace guidechat::dialog
