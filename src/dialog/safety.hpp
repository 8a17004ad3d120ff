// The safety layer: what in a message needs help now. It runs first on
// every typed message, in every state, over the one analysis of the message
// (language/analysis.hpp), and finds two things:
//  - emergencies the guides do not cover (dialogs/emergencies.json: stroke,
//    chest pain, thoughts of suicide, ...), answered with the clinic's own
//    emergency texts, its numbers filled in from dialogs/clinic.json;
//  - the guide's urgent signs (dialogs/red-flags.json), answered with the
//    guide's urgent outcome.
// Each is described as rules over concepts: a rule holds when a message
// says all its concepts (each "a|b" slot by any of its concepts) of a
// person, as happening — not negated, imagined, past or about an animal —
// close together in one sentence (or clause), optionally with an amount of
// time in range ("lasting") and none of its "unless" concepts.
//
// Thread-safety: immutable after build(); check() is const.
#pragma once

#include <limits>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "language/analysis.hpp"

namespace guidechat::dialog {

// A rule as written in the data, before its concepts are resolved.
struct RuleSpec {
  std::vector<std::string> all;     // slots: "speaking", "spasm|referent"
  std::vector<std::string> unless;  // concepts that cancel the rule in its scope
  // Contexts that do not stop the rule: "conditional" for thoughts of
  // suicide ("if it doesn't work I don't want to be alive").
  std::vector<std::string> even_if;
  enum class Scope { kClause, kSentence, kMessage };
  Scope scope = Scope::kSentence;  // where all its concepts must be
  int within = 12;                 // words from the first to the last concept
  double lasting_at_least = -1;    // minutes; < 0: no amount of time needed
  double lasting_below = std::numeric_limits<double>::infinity();
};

// Reads "when": [rule, ...], each ["a", "b|c"] or {"all": [...], "unless",
// "even_if", "scope" ("clause", "sentence" or "message"), "within",
// "lasting": {"at_least": "30 minutes", "below": "7 days"}}.
std::vector<RuleSpec> read_rules(const nlohmann::json& when, const std::string& where,
                                 std::vector<std::string>* problems);

// An emergency kind as the clinic wrote it.
struct EmergencyKind {
  std::string id;
  std::string title;  // cited as the source's section title
  std::string text;   // shown word for word, numbers filled in
  std::vector<RuleSpec> when;
};

// The clinic's own details (dialogs/clinic.json); empty when not set.
struct Clinic {
  std::string name;
  std::string phone;
  std::string hours;
  std::string booking_url;
  std::string emergency_number;  // e.g. "911"
  std::string crisis_line;       // e.g. "988"
  std::string poison_line;
};

// An urgent sign of the guide (red-flags.json).
struct UrgentSign {
  std::string id;
  std::string label;  // shown in the summary
  std::vector<RuleSpec> when;
};

struct SafetyFindings {
  std::vector<const EmergencyKind*> emergencies;  // in the file's order
  std::vector<std::string> urgent_signs;          // ids, in the file's order

  bool any() const { return !emergencies.empty() || !urgent_signs.empty(); }
};

class Safety {
 public:
  // Resolves every rule's concepts; unknown concepts are problems ("where:
  // message"), and the rule is left out.
  static std::shared_ptr<const Safety> build(std::shared_ptr<const language::Analyzer> analyzer,
                                             const std::vector<EmergencyKind>& emergencies,
                                             const std::vector<UrgentSign>& signs,
                                             const std::vector<std::string>& topic,
                                             std::vector<std::string>* problems);

  // What `analysis` says that needs help now. `in_flow`: the person is
  // answering the guide's questions, so its topic ("spasm") is taken as said.
  SafetyFindings check(const language::Analysis& analysis, bool in_flow) const;

  const language::Analyzer& analyzer() const { return *analyzer_; }
  // Whether `analysis` names the guide's topic ("spasm"), in any context.
  bool names_topic(const language::Analysis& analysis) const;

 private:
  struct Rule;
  struct Compiled {
    const EmergencyKind* emergency = nullptr;  // or an urgent sign:
    std::string sign;
    std::vector<Rule> rules;
  };
  bool holds(const Rule& rule, const language::Analysis& a, bool in_flow) const;

  std::shared_ptr<const language::Analyzer> analyzer_;
  std::vector<Compiled> checks_;  // emergencies first, then urgent signs
  std::vector<language::ConceptId> topic_;
};

// The text of an emergency kind with the clinic's numbers filled in:
// {emergency_number}, {crisis_line}, {poison_line}, {clinic_phone}; an
// unset number reads as `unset`'s words for it ("your local emergency
// number").
std::string fill_numbers(const std::string& text, const Clinic& clinic, const Clinic& unset_words);

}  // namespace guidechat::dialog

namespace guidechat::dialog {

// Readers of the safety files' JSON objects; each problem is appended as
// "where: message".
// red-flags.json: "concepts", "topic", "flags" (the outcome is read by the
// flow loader, which resolves guide quotes).
void read_urgent_signs(const nlohmann::json& doc, std::vector<UrgentSign>* signs,
                       std::vector<language::ConceptDef>* concepts, std::vector<std::string>* topic,
                       std::vector<std::string>* problems);
// emergencies.json: "source_title", "unset", "concepts", "kinds".
void read_emergencies(const nlohmann::json& doc, std::vector<EmergencyKind>* kinds,
                      std::vector<language::ConceptDef>* concepts, Clinic* unset,
                      std::string* source_title, std::vector<std::string>* problems);
// clinic.json.
void read_clinic(const nlohmann::json& doc, Clinic* clinic, std::vector<std::string>* problems);

}  // namespace guidechat::dialog
