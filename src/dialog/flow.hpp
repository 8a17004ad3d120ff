// Flows as data: every `dialogs/*.json` file is one guided flow (ask, info,
// outcome and summary nodes), except the shared files: `red-flags.json` (the
// guide's urgent signs as rules over concepts, and the urgent outcome),
// `emergencies.json` (emergencies beyond the guide and the clinic's texts for
// them), `clinic.json` (the clinic's name and numbers) and `language.json`
// (yes/no forms, negators, small talk, question and symptom words).
// docs/dialogs.md documents the format.
//
// Loading resolves every medical text against the knowledge base once: a
// node names a section id and, optionally, sentences quoted from it; the
// loader checks the quotes are verbatim so the engine never shows words the
// guide does not contain. check() reports every problem (schema, unknown
// sections, unreachable nodes, dead ends, loops with no way out, options
// with no next step, outcomes without a source) for `guidechat check`.
//
// Thread-safety: a FlowSet is immutable after load(); share it freely.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "dialog/safety.hpp"
#include "dialog/state.hpp"
#include "knowledge/knowledge_base.hpp"

namespace guidechat::dialog {

// A condition on the answers collected so far. kSlot holds when the slot's
// answer includes any of `options`; the others combine `children`.
struct Condition {
  enum class Kind { kAlways, kSlot, kAny, kAll, kNot };
  Kind kind = Kind::kAlways;
  std::string slot;
  std::vector<std::string> options;
  std::vector<Condition> children;

  bool holds(const std::vector<SlotAnswer>& answers) const;
};

// One step out of a node: the first route whose condition holds is taken.
struct Route {
  Condition when;
  std::string next;
};

// Guide text resolved at load time: the quoted sentences (or the whole
// section) and the section it comes from.
struct GuideText {
  std::string guide;    // the guide's id
  std::string section;  // the section's id within its guide
  std::string title;    // the section's heading, for `source`
  std::string text;
  Condition when;  // tips only: shown when this holds
};

struct AskOption {
  std::string id;
  std::string label;
  std::vector<std::string> words;  // phrases that mean this option
  std::string polarity;            // "yes", "no" or empty: gets the everyday yes/no forms
  bool exclusive = false;          // "none of these": dropped when others are chosen
  std::vector<Route> next;         // single choice only; empty: the node's next
};

enum class NodeType { kAsk, kInfo, kOutcome, kSummary };

struct Node {
  std::string id;
  NodeType type = NodeType::kAsk;
  // ask
  std::string text;
  std::string slot;
  std::string summary_label;  // how the answer is introduced in a summary
  bool multiple = false;
  std::vector<AskOption> options;
  // info / outcome
  std::string level;               // outcome: urgent | doctor | self-care
  std::vector<GuideText> content;  // info: the parts shown; outcome: [0] is the outcome text
  std::vector<GuideText> tips;     // outcome: extra guide passages shown when their condition holds
  // summary: optional closing text
  std::vector<Route> next;  // ask (default), info

  const AskOption* option(std::string_view id) const;
  bool terminal() const { return type == NodeType::kOutcome || type == NodeType::kSummary; }
};

struct Flow {
  std::string id;
  std::string title;
  std::string file;
  // The guide whose sections it quotes ("guide" in the file; the only guide
  // when one is loaded). A file naming a guide that is not loaded is skipped.
  std::string guide;
  // What the engine starts it for: kSymptomsRole (a description of
  // symptoms, "check my symptoms"), kDoctorRole (after a "when to see a
  // doctor" answer from its guide), or empty (started by its phrases).
  std::string role;
  std::string intro;                 // conversational text when the flow starts
  std::vector<std::string> phrases;  // typed requests that start it ("check my symptoms")
  std::string start;
  std::vector<Node> nodes;

  const Node* find(std::string_view node_id) const;
};

inline constexpr std::string_view kSymptomsRole = "symptoms";
inline constexpr std::string_view kDoctorRole = "doctor";

struct SmallTalk {
  std::string kind;  // greeting | thanks | goodbye | stop
  std::vector<std::string> phrases;
  std::string reply;
};

// Everyday language the engine understands, as data (language.json).
struct Language {
  std::string greeting;
  std::string not_understood;
  std::string not_in_guide;
  // Said to a message that is not in English, in several common languages.
  std::string english_only;
  std::string offer_check;
  std::string contact;              // with the clinic's contact: the guide cannot help with this
  std::string summary_intro;        // before a summary asked for in words
  std::string noted;                // "Noted: {answer}." after a typed answer
  std::string clarify;              // a typed answer that is unclear
  std::string corrected;            // "{question}: {answer}" after a corrected answer
  std::vector<std::string> unsure;  // words of doubt: the answer is asked again
  std::vector<std::string> corrections;      // words that correct an earlier answer
  std::vector<std::string> back_references;  // "the last one", "I said": name an earlier answer
  std::vector<std::string> additions;        // "as well", "too": a correction adds, not replaces
  std::string after_outcome;
  std::string welcome_back;
  std::string reset;
  std::vector<std::string> yes;
  std::vector<std::string> no;
  std::vector<std::string> all;
  std::vector<std::string> negators;
  std::vector<std::string> clause_breaks;
  std::vector<std::string> question_words;
  std::vector<std::string> doctor_phrases;
  std::vector<std::string> fillers;
  std::vector<SmallTalk> small_talk;
};

// A problem in dialogs/, with where it is. `where` is "flow/node" (or just
// the flow or file part); `line` is set for JSON syntax errors.
struct FlowFinding {
  std::string file;
  int line = 0;
  std::string where;
  std::string message;
  bool warning = false;  // reported by check, but the content still loads
};

class FlowSet {
 public:
  // Fails with the first findings when check() finds any problem (warnings
  // do not count).
  static Result<std::shared_ptr<const FlowSet>> load(const std::filesystem::path& dir,
                                                     const knowledge::KnowledgeBase& kb);
  // Every problem in the directory; empty when clean.
  static std::vector<FlowFinding> check(const std::filesystem::path& dir,
                                        const knowledge::KnowledgeBase& kb);
  // Reads without failing: what could be read, and the findings.
  static std::shared_ptr<FlowSet> read(const std::filesystem::path& dir,
                                       const knowledge::KnowledgeBase& kb,
                                       std::vector<FlowFinding>* findings);

  const std::vector<Flow>& flows() const { return flows_; }
  const Flow* find(std::string_view flow_id) const;
  // The first flow with `role` for `guide` (any guide when empty); nullptr
  // when none.
  const Flow* for_role(std::string_view role, std::string_view guide = {}) const;
  // Each guide's section on when to get medical help: the first whose
  // heading names a doctor (language.json "doctor_phrases"), one starting
  // with a question word ("When to...") first, as "guide/section" for
  // KnowledgeBase::find; empty when it has none.
  std::string_view doctor_section(std::string_view guide) const;
  const std::vector<UrgentSign>& red_flags() const { return red_flags_; }
  const Node& urgent() const { return urgent_; }  // the outcome a red flag leads to
  const std::vector<EmergencyKind>& emergencies() const { return emergencies_; }
  // The concepts the guide is about (red-flags.json "topic"): "spasm".
  const std::vector<std::string>& topic() const { return topic_; }
  // The guide of red-flags.json, whose topic that is.
  const std::string& topic_guide() const { return topic_guide_; }
  const Clinic& clinic() const { return clinic_; }
  // The emergency texts' words for numbers the clinic has not set.
  const Clinic& unset_numbers() const { return unset_numbers_; }
  // The title cited as the source of emergency texts.
  const std::string& emergency_source() const { return emergency_source_; }
  const Language& language() const { return language_; }
  // The product's language data and English words (from the knowledge
  // base), for reading typed answers.
  const language::LanguageData& language_data() const { return language_data_; }
  std::shared_ptr<const language::Lexicon> lexicon() const { return lexicon_; }
  // The one analysis of a message and the safety rules over it.
  const Safety& safety() const { return *safety_; }
  const language::Analyzer& analyzer() const { return safety_->analyzer(); }

  // The question and option labels for a slot's answer, searched across
  // flows (the first ask node filling `slot` that knows every option).
  const Node* ask_for(const SlotAnswer& answer) const;

 private:
  friend class FlowReader;
  std::vector<Flow> flows_;
  std::map<std::string, std::string, std::less<>> doctor_sections_;  // guide -> "guide/section"
  std::vector<UrgentSign> red_flags_;
  std::vector<std::string> topic_;  // red-flags.json "topic": concepts a flow's answers are about
  std::string topic_guide_;
  Node urgent_;
  std::vector<EmergencyKind> emergencies_;
  Clinic clinic_;
  Clinic unset_numbers_;
  std::string emergency_source_;
  std::vector<language::ConceptDef> extra_concepts_;  // from red-flags.json and emergencies.json
  std::shared_ptr<const Safety> safety_;
  language::LanguageData language_data_;
  std::shared_ptr<const language::Lexicon> lexicon_;
  Language language_;
};

// Structural checks on flows already read (reachability, dead ends, loops,
// options without a next step, outcomes without a source).
void check_structure(const Flow& flow, std::vector<FlowFinding>* findings);

}  // namespace guidechat::dialog
