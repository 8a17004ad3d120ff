#include "dialog/safety.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "common/text.hpp"

namespace guidechat::dialog {

using language::Analysis;
using language::ConceptId;
using language::Mention;
using nlohmann::json;

namespace {

// "30 minutes", "2 hours", "7 days", "1 week" -> minutes; < 0 when unreadable.
double minutes_of(const std::string& s) {
  char* end = nullptr;
  double n = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || n < 0) return -1;
  std::string unit(text::trim(std::string_view(end)));
  if (unit.ends_with('s')) unit.pop_back();
  if (unit == "minute") return n;
  if (unit == "hour") return n * 60;
  if (unit == "day") return n * 60 * 24;
  if (unit == "week") return n * 60 * 24 * 7;
  return -1;
}

bool strings(const json& j, std::vector<std::string>* out) {
  if (!j.is_array()) return false;
  for (const auto& v : j) {
    if (!v.is_string() || v.get<std::string>().empty()) return false;
    out->push_back(v.get<std::string>());
  }
  return true;
}

bool read_rule(const json& j, RuleSpec* r, std::string* problem) {
  if (j.is_array()) {
    if (!strings(j, &r->all) || r->all.empty()) {
      *problem = "a rule is a non-empty list of concepts";
      return false;
    }
    return true;
  }
  if (!j.is_object()) {
    *problem = "a rule is a list of concepts or an object with \"all\"";
    return false;
  }
  for (const auto& [k, v] : j.items()) {
    if (k != "all" && k != "unless" && k != "even_if" && k != "scope" && k != "within" &&
        k != "lasting") {
      *problem = "unknown field \"" + k + "\" in a rule";
      return false;
    }
  }
  if (!j.contains("all") || !strings(j["all"], &r->all) || r->all.empty()) {
    *problem = "a rule needs \"all\": a non-empty list of concepts";
    return false;
  }
  if (j.contains("unless") && !strings(j["unless"], &r->unless)) {
    *problem = "\"unless\" must be a list of concepts";
    return false;
  }
  if (j.contains("even_if")) {
    if (!strings(j["even_if"], &r->even_if)) {
      *problem = "\"even_if\" must be a list of contexts";
      return false;
    }
    for (const auto& c : r->even_if) {
      if (c != "hypothetical" && c != "conditional" && c != "historical" && c != "negated" &&
          c != "non-human") {
        *problem = "\"even_if\" takes hypothetical, conditional, historical, negated or non-human";
        return false;
      }
    }
  }
  if (j.contains("scope")) {
    std::string scope = j["scope"].is_string() ? j["scope"].get<std::string>() : "";
    if (scope == "clause") {
      r->scope = RuleSpec::Scope::kClause;
    } else if (scope == "message") {
      r->scope = RuleSpec::Scope::kMessage;
    } else if (scope != "sentence") {
      *problem = "\"scope\" must be \"clause\", \"sentence\" or \"message\"";
      return false;
    }
  }
  if (j.contains("within")) {
    if (!j["within"].is_number_integer() || j["within"].get<int>() < 1) {
      *problem = "\"within\" must be a number of words";
      return false;
    }
    r->within = j["within"].get<int>();
  }
  if (j.contains("lasting")) {
    const json& l = j["lasting"];
    bool ok = l.is_object() && l.contains("at_least") && l["at_least"].is_string();
    if (ok) r->lasting_at_least = minutes_of(l["at_least"].get<std::string>());
    if (ok && l.contains("below")) {
      ok = l["below"].is_string();
      if (ok) r->lasting_below = minutes_of(l["below"].get<std::string>());
    }
    if (!ok || r->lasting_at_least < 0 || r->lasting_below < 0) {
      *problem = "\"lasting\" needs \"at_least\" (and maybe \"below\") such as \"30 minutes\"";
      return false;
    }
  }
  return true;
}

void replace_all(std::string* s, std::string_view from, const std::string& to) {
  for (std::size_t at = s->find(from); at != std::string::npos;
       at = s->find(from, at + to.size())) {
    s->replace(at, from.size(), to);
  }
}

}  // namespace

std::vector<RuleSpec> read_rules(const json& when, const std::string& where,
                                 std::vector<std::string>* problems) {
  std::vector<RuleSpec> out;
  if (!when.is_array() || when.empty()) {
    problems->push_back(where + ": \"when\" must be a non-empty list of rules");
    return out;
  }
  for (const auto& j : when) {
    RuleSpec r;
    std::string problem;
    if (read_rule(j, &r, &problem)) {
      out.push_back(std::move(r));
    } else {
      problems->push_back(where + ": " + problem);
    }
  }
  return out;
}

struct Safety::Rule {
  std::vector<std::vector<ConceptId>> all;
  std::vector<ConceptId> unless;
  language::Context ignored;  // contexts that do not stop it (set flags)
  RuleSpec::Scope scope = RuleSpec::Scope::kSentence;
  std::size_t within = 12;
  double lasting_at_least = -1;
  double lasting_below = 0;
};

std::shared_ptr<const Safety> Safety::build(std::shared_ptr<const language::Analyzer> analyzer,
                                            const std::vector<EmergencyKind>& emergencies,
                                            const std::vector<UrgentSign>& signs,
                                            const std::vector<std::string>& topic,
                                            std::vector<std::string>* problems) {
  auto safety = std::shared_ptr<Safety>(new Safety());
  safety->analyzer_ = std::move(analyzer);
  const language::Analyzer& an = *safety->analyzer_;
  auto resolve = [&](const std::string& name, const std::string& where, ConceptId* id) {
    *id = an.find(name);
    if (*id == language::kNoConcept)
      problems->push_back(where + ": unknown concept '" + name + "'");
    return *id != language::kNoConcept;
  };
  auto compile = [&](const std::vector<RuleSpec>& specs, const std::string& where) {
    std::vector<Rule> rules;
    for (const RuleSpec& spec : specs) {
      Rule r{{},
             {},
             {},
             spec.scope,
             static_cast<std::size_t>(spec.within),
             spec.lasting_at_least,
             spec.lasting_below};
      for (const auto& c : spec.even_if) {
        r.ignored.hypothetical |= c == "hypothetical";
        r.ignored.conditional |= c == "conditional";
        r.ignored.historical |= c == "historical";
        r.ignored.negated |= c == "negated";
        r.ignored.non_human |= c == "non-human";
      }
      bool ok = true;
      for (const auto& slot : spec.all) {
        std::vector<ConceptId> alternatives;
        std::size_t from = 0;
        while (from <= slot.size()) {
          std::size_t bar = slot.find('|', from);
          if (bar == std::string::npos) bar = slot.size();
          ConceptId id;
          if (resolve(std::string(text::trim(slot.substr(from, bar - from))), where, &id)) {
            alternatives.push_back(id);
          } else {
            ok = false;
          }
          from = bar + 1;
        }
        r.all.push_back(std::move(alternatives));
      }
      for (const auto& name : spec.unless) {
        ConceptId id;
        if (resolve(name, where, &id)) {
          r.unless.push_back(id);
        } else {
          ok = false;
        }
      }
      if (ok) rules.push_back(std::move(r));
    }
    return rules;
  };
  for (const auto& e : emergencies) {
    safety->checks_.push_back({&e, "", compile(e.when, "emergency '" + e.id + "'")});
  }
  for (const auto& s : signs) {
    safety->checks_.push_back({nullptr, s.id, compile(s.when, "urgent sign '" + s.id + "'")});
  }
  for (const auto& name : topic) {
    ConceptId id;
    if (resolve(name, "topic", &id)) safety->topic_.push_back(id);
  }
  return safety;
}

namespace {

struct RunItem {
  std::size_t begin, end;
  std::uint32_t slots;  // bit i: fills slot i of the rule
};

// Whether some run of mentions (in message order) fills every slot of
// `want` within `within` words, with no "unless" mention (a blocker) within
// `within` words of it: "chest pain" is not cancelled by the relaxation
// exercises of a story told three clauses earlier.
bool close_run(const std::vector<RunItem>& items,
               const std::vector<std::pair<std::size_t, std::size_t>>& blockers, std::uint32_t want,
               std::size_t within) {
  auto blocked = [&](std::size_t begin, std::size_t end) {
    return std::any_of(blockers.begin(), blockers.end(), [&](const auto& b) {
      return b.second + within > begin && b.first < end + within;
    });
  };
  if (want == 0) return blockers.empty();
  for (std::size_t i = 0; i < items.size(); ++i) {
    std::uint32_t filled = 0;
    for (std::size_t j = i; j < items.size(); ++j) {
      filled |= items[j].slots;
      if ((filled & want) != want) continue;
      if (items[j].end - items[i].begin <= within && !blocked(items[i].begin, items[j].end)) {
        return true;
      }
      break;
    }
  }
  return false;
}

}  // namespace

bool Safety::holds(const Rule& rule, const Analysis& a, bool in_flow) const {
  // Slot i is bit i; slots the topic fills (in a flow) need no mention.
  std::uint32_t want = 0;
  for (std::size_t i = 0; i < rule.all.size() && i < 32; ++i) {
    bool topic = in_flow && std::any_of(rule.all[i].begin(), rule.all[i].end(), [&](ConceptId id) {
                   return std::find(topic_.begin(), topic_.end(), id) != topic_.end();
                 });
    if (!topic) want |= std::uint32_t{1} << i;
  }
  // A rule of topic words alone needs something said: an amount of time.
  if (want == 0 && rule.lasting_at_least < 0) return false;
  auto scope_of = [&](int sentence, int clause) {
    switch (rule.scope) {
      case RuleSpec::Scope::kClause:
        return clause;
      case RuleSpec::Scope::kSentence:
        return sentence;
      case RuleSpec::Scope::kMessage:
        break;
    }
    return 0;
  };
  // Said of a person as happening, but for the contexts the rule ignores.
  auto counts = [&](const language::Context& c) {
    return (!c.negated || rule.ignored.negated) && (!c.hypothetical || rule.ignored.hypothetical) &&
           (!c.conditional || rule.ignored.conditional) &&
           (!c.historical || rule.ignored.historical) && (!c.non_human || rule.ignored.non_human);
  };
  std::vector<int> scopes;
  for (const Mention& m : a.mentions) scopes.push_back(scope_of(m.sentence, m.clause));
  for (const auto& d : a.durations) scopes.push_back(scope_of(d.sentence, d.clause));
  std::sort(scopes.begin(), scopes.end());
  scopes.erase(std::unique(scopes.begin(), scopes.end()), scopes.end());

  std::vector<RunItem> items;
  std::vector<std::pair<std::size_t, std::size_t>> blockers;  // "unless" mentions
  for (int scope : scopes) {
    items.clear();
    blockers.clear();
    for (const Mention& m : a.mentions) {
      if (!counts(m.context)) continue;
      bool is_unless =
          std::find(rule.unless.begin(), rule.unless.end(), m.concept_id) != rule.unless.end();
      // "on and off" cancels in each clause it spans.
      bool spans =
          rule.scope == RuleSpec::Scope::kClause && m.clause <= scope && scope <= m.last_clause;
      bool here = scope_of(m.sentence, m.clause) == scope;
      if (is_unless && (here || spans)) blockers.emplace_back(m.begin, m.end);
      if (!here) continue;
      std::uint32_t slots = 0;
      for (std::size_t i = 0; i < rule.all.size() && i < 32; ++i) {
        const auto& slot = rule.all[i];
        if (std::find(slot.begin(), slot.end(), m.concept_id) != slot.end()) slots |= 1u << i;
      }
      if (slots & want) items.push_back({m.begin, m.end, slots});
    }
    if (!close_run(items, blockers, want, rule.within)) continue;
    if (rule.lasting_at_least >= 0) {
      bool lasting = std::any_of(a.durations.begin(), a.durations.end(), [&](const auto& d) {
        return scope_of(d.sentence, d.clause) == scope && counts(d.context) &&
               d.minutes >= rule.lasting_at_least && d.minutes < rule.lasting_below;
      });
      if (!lasting) continue;
    }
    return true;
  }
  return false;
}

bool Safety::names_topic(const Analysis& a) const {
  return std::any_of(a.mentions.begin(), a.mentions.end(), [&](const Mention& m) {
    return std::find(topic_.begin(), topic_.end(), m.concept_id) != topic_.end();
  });
}

SafetyFindings Safety::check(const Analysis& a, bool in_flow) const {
  SafetyFindings out;
  // The concepts the message names at all (in any context): most rules need
  // one it does not, and are passed over without looking further.
  std::vector<bool> named(analyzer_->size(), false);
  for (const Mention& m : a.mentions) named[static_cast<std::size_t>(m.concept_id)] = true;
  for (ConceptId t : topic_)
    named[static_cast<std::size_t>(t)] = named[static_cast<std::size_t>(t)] || in_flow;
  auto possible = [&](const Rule& r) {
    return std::all_of(r.all.begin(), r.all.end(), [&](const std::vector<ConceptId>& slot) {
      return std::any_of(slot.begin(), slot.end(),
                         [&](ConceptId id) { return named[static_cast<std::size_t>(id)]; });
    });
  };
  for (const Compiled& c : checks_) {
    bool hit = std::any_of(c.rules.begin(), c.rules.end(),
                           [&](const Rule& r) { return possible(r) && holds(r, a, in_flow); });
    if (!hit) continue;
    if (c.emergency != nullptr) {
      out.emergencies.push_back(c.emergency);
    } else {
      out.urgent_signs.push_back(c.sign);
    }
  }
  return out;
}

std::string fill_numbers(const std::string& text, const Clinic& clinic, const Clinic& unset_words) {
  std::string out = text;
  auto pick = [](const std::string& set, const std::string& fallback) {
    return set.empty() ? fallback : set;
  };
  replace_all(&out, "{emergency_number}",
              pick(clinic.emergency_number, unset_words.emergency_number));
  replace_all(&out, "{crisis_line}", pick(clinic.crisis_line, unset_words.crisis_line));
  replace_all(&out, "{poison_line}", pick(clinic.poison_line, unset_words.poison_line));
  replace_all(&out, "{clinic_phone}", pick(clinic.phone, unset_words.phone));
  return out;
}

}  // namespace guidechat::dialog

namespace guidechat::dialog {

namespace {

void only_keys(const json& obj, std::initializer_list<std::string_view> keys,
               const std::string& where, std::vector<std::string>* problems) {
  for (const auto& item : obj.items()) {
    const std::string& k = item.key();
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
      problems->push_back(where + ": unknown field \"" + k + "\"");
    }
  }
}

bool get_text(const json& obj, const char* key, std::string* out, bool required,
              const std::string& where, std::vector<std::string>* problems) {
  if (!obj.contains(key)) {
    if (required) problems->push_back(where + ": missing \"" + key + "\"");
    return !required;
  }
  if (!obj[key].is_string() || (required && obj[key].get<std::string>().empty())) {
    problems->push_back(where + ": \"" + key + "\" must be a non-empty string");
    return false;
  }
  *out = obj[key].get<std::string>();
  return true;
}

bool slug(const std::string& id) {
  return !id.empty() && id.size() <= 64 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

void read_numbers(const json& j, Clinic* c, const std::string& where,
                  std::vector<std::string>* problems) {
  if (!j.is_object()) {
    problems->push_back(where + ": must be an object");
    return;
  }
  only_keys(j,
            {"name", "phone", "hours", "booking_url", "emergency_number", "crisis_line",
             "poison_line", "about"},
            where, problems);
  for (auto [key, field] :
       {std::pair{"name", &c->name}, std::pair{"phone", &c->phone}, std::pair{"hours", &c->hours},
        std::pair{"booking_url", &c->booking_url},
        std::pair{"emergency_number", &c->emergency_number},
        std::pair{"crisis_line", &c->crisis_line}, std::pair{"poison_line", &c->poison_line}}) {
    (void)get_text(j, key, field, false, where, problems);
  }
}

}  // namespace

void read_urgent_signs(const json& doc, std::vector<UrgentSign>* signs,
                       std::vector<language::ConceptDef>* concepts, std::vector<std::string>* topic,
                       std::vector<std::string>* problems) {
  if (doc.contains("concepts")) {
    auto more = language::read_concepts(doc["concepts"], "red-flags.json", problems);
    concepts->insert(concepts->end(), more.begin(), more.end());
  }
  if (doc.contains("topic") && !strings(doc["topic"], topic)) {
    problems->push_back("topic: must be a list of concepts");
  }
  if (!doc.contains("flags") || !doc["flags"].is_array() || doc["flags"].empty()) {
    problems->push_back("flags: missing a non-empty \"flags\" array");
    return;
  }
  for (const auto& fj : doc["flags"]) {
    UrgentSign s;
    if (!fj.is_object() || !get_text(fj, "id", &s.id, true, "flags", problems)) continue;
    std::string where = "flags/" + s.id;
    only_keys(fj, {"id", "label", "when"}, where, problems);
    if (!slug(s.id)) problems->push_back(where + ": ids use a-z, 0-9, '-' and '_' only");
    if (!get_text(fj, "label", &s.label, true, where, problems)) continue;
    if (!fj.contains("when")) {
      problems->push_back(where + ": missing \"when\"");
      continue;
    }
    s.when = read_rules(fj["when"], where, problems);
    signs->push_back(std::move(s));
  }
}

void read_emergencies(const json& doc, std::vector<EmergencyKind>* kinds,
                      std::vector<language::ConceptDef>* concepts, Clinic* unset,
                      std::string* source_title, std::vector<std::string>* problems) {
  only_keys(doc, {"about", "source_title", "unset", "concepts", "kinds"}, "(emergencies)",
            problems);
  (void)get_text(doc, "source_title", source_title, true, "(emergencies)", problems);
  if (!doc.contains("unset")) {
    problems->push_back("unset: missing: the words used while the clinic's numbers are not set");
  } else {
    read_numbers(doc["unset"], unset, "unset", problems);
    if (unset->emergency_number.empty()) {
      problems->push_back(
          "unset: \"emergency_number\" needs words such as \"your local "
          "emergency number\"");
    }
  }
  if (doc.contains("concepts")) {
    auto more = language::read_concepts(doc["concepts"], "emergencies.json", problems);
    concepts->insert(concepts->end(), more.begin(), more.end());
  }
  if (!doc.contains("kinds") || !doc["kinds"].is_array() || doc["kinds"].empty()) {
    problems->push_back("kinds: missing a non-empty \"kinds\" array");
    return;
  }
  for (const auto& kj : doc["kinds"]) {
    EmergencyKind k;
    if (!kj.is_object() || !get_text(kj, "id", &k.id, true, "kinds", problems)) continue;
    std::string where = "kinds/" + k.id;
    only_keys(kj, {"id", "title", "text", "when"}, where, problems);
    if (!slug(k.id)) problems->push_back(where + ": ids use a-z, 0-9, '-' and '_' only");
    bool ok = get_text(kj, "title", &k.title, true, where, problems);
    ok = get_text(kj, "text", &k.text, true, where, problems) && ok;
    if (!kj.contains("when")) {
      problems->push_back(where + ": missing \"when\"");
      continue;
    }
    k.when = read_rules(kj["when"], where, problems);
    if (ok) kinds->push_back(std::move(k));
  }
}

void read_clinic(const json& doc, Clinic* clinic, std::vector<std::string>* problems) {
  read_numbers(doc, clinic, "(clinic)", problems);
}

}  // namespace guidechat::dialog
