// Concepts with their everyday words, as data (lang/concepts.json
// for the product, plus concepts a clinic's safety or guide files add):
// "difficulty" is "hard", "can't", "barely", "struggling", ...; "speaking"
// is "talk", "speech", "get words out", ... Rules over concepts (see
// dialog/safety.hpp) then say what a message means, instead of lists of
// whole phrases.
//
// A concept's words are phrases. Each word of a phrase matches a typed word
// with the same English stem ("talking" ~ "talk"), or, written "=word",
// only that exact word; "{class}" matches any word of a named class
// ("hit {poss} head" ~ "hit his head"); "*" matches any one word ("check
// * symptoms"); a leading "^" ties the phrase to the start of a sentence. A typed word that is not
// English (a typo) also matches a phrase word one edit away ("siezure" ~ "seizure").
//
// Some concepts are not meanings but the context around them, after NegEx
// and ConText: negation ("no", "never", "without"; or after the words:
// "is fine"), hypothetical ("what if", "could it ever", "on TV"),
// conditional ("if", "in case"), historical ("years
// ago", "went away"), recent (cancels historical in its clause: "now"), non-human
// ("my dog"), and ignore (idioms that must not be read word by word:
// "choked up", "hard to say").
//
// Thread-safety: immutable after load; share freely.
#pragma once

#include <map>
#include <unordered_map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/result.hpp"
#include "language/tokens.hpp"

namespace guidechat::language {

enum class Role {
  kMeaning,
  kNegation,           // negates meanings shortly after it, in its clause
  kNegationAfter,      // negates meanings shortly before it, in its clause
  kHypothetical,       // the rest of its sentence is asked about, imagined or told of others
  kHypotheticalAfter,  // what comes before it in its sentence is asked about
  kConditional,        // the rest of its sentence is a condition ("if he can't breathe")
  kHistorical,         // its sentence tells of the past (or of something resolved)
  kRecent,             // its sentence is about now after all
  kNonHuman,           // its sentence is about an animal or a story, not a person
  kIgnore,             // an idiom: its words mean nothing here
};

struct ConceptDef {
  std::string id;
  Role role = Role::kMeaning;
  bool question_only = false;  // context triggers: only in a question sentence
  std::vector<std::string> words;
  // Words a guide uses for what the concept asks about ("causes",
  // "triggers" for asking what causes something): added to a search.
  std::vector<std::string> search;
  std::string origin;  // file it came from, for messages
};

// Words to minutes, for reading durations ("for three hours", "since last
// night", "the whole afternoon").
struct DurationWords {
  using Table = std::unordered_map<std::string, double>;
  Table units;                            // "hour" -> 60 (singular forms; plurals by stem)
  Table amounts;                          // "three" -> 3, "couple" -> 2, "half" -> 0.5
  Table spans;                            // "afternoon" -> 240 ("all afternoon")
  std::vector<std::string> span_leads;    // "all", "whole", "entire", "most"
  Table since;                            // "last night" -> 480 ("since last night")
  double since_clock = 60;                // "since 8am": how long ago is unknown
  Table phrases;                          // fixed phrases: "overnight" -> 480, "hours on end" -> 180
  // Words that make an amount of time part of a name, not a duration: "a
  // 12 hour shift", "60 hour weeks", "a 3 year old".
  std::vector<std::string> compounds;
  double unspecified_amount = 2;  // "for hours" = 2 hours
  // Words before a plural unit with no amount that make it a duration
  // ("for hours", "been days"); elsewhere it says how often ("most days").
  std::vector<std::string> plural_leads;
};

struct LanguageData {
  Grammar grammar;
  std::map<std::string, std::vector<std::string>> classes;
  std::vector<ConceptDef> concepts;
  DurationWords durations;
  int negation_window = 5;  // words between a negation and what it negates
  // Words a hypothetical, condition, past or animal reaches at most: a
  // 100-word message without a full stop is not one thought.
  int context_window = 15;
};

// Reads the product's language data (concepts.json). Fails with the file
// and the problem.
Result<LanguageData> load_language_data(const std::string& path);

// Reads `concepts` from a JSON value of another file (a clinic's safety or
// guide file): {"id": ["word", ...]} or {"id": {"role": ..., "words": [...]}}.
// Problems are appended to `problems`.
std::vector<ConceptDef> read_concepts(const nlohmann::json& value, const std::string& origin,
                                      std::vector<std::string>* problems);

// Checks a concept's phrases against the classes: unknown classes, empty
// phrases. Each problem is "concept 'id': message".
std::vector<std::string> check_concepts(const LanguageData& data);

Role role_of(std::string_view name, bool* ok);
std::string_view role_name(Role role);

}  // namespace guidechat::language
