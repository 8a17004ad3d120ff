#include "dialog/flow.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "common/limits.hpp"
#include "dialog/phrases.hpp"

namespace guidechat::dialog {

using nlohmann::json;

namespace {

constexpr const char* kRedFlagsFile = "red-flags.json";
constexpr const char* kLanguageFile = "language.json";
constexpr const char* kEmergenciesFile = "emergencies.json";
constexpr const char* kClinicFile = "clinic.json";
constexpr int kMaxConditionDepth = 16;

bool slug(std::string_view id) {
  if (id.empty() || id.size() > limits::kMaxNameChars) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

// Runs of whitespace become one space, so a quote matches across the line
// breaks and passage boundaries of the Markdown source.
std::string squash(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

int line_of(std::string_view content, std::size_t byte) {
  byte = std::min(byte, content.size());
  return 1 + static_cast<int>(std::count(content.begin(), content.begin() + byte, '\n'));
}

}  // namespace

bool Condition::holds(const std::vector<SlotAnswer>& answers) const {
  switch (kind) {
    case Kind::kAlways:
      return true;
    case Kind::kSlot:
      for (const SlotAnswer& a : answers) {
        if (a.slot != slot) continue;
        for (const auto& o : a.options) {
          if (std::find(options.begin(), options.end(), o) != options.end()) return true;
        }
      }
      return false;
    case Kind::kAny:
      return std::any_of(children.begin(), children.end(),
                         [&](const Condition& c) { return c.holds(answers); });
    case Kind::kAll:
      return std::all_of(children.begin(), children.end(),
                         [&](const Condition& c) { return c.holds(answers); });
    case Kind::kNot:
      return !children.empty() && !children[0].holds(answers);
  }
  return false;
}

const AskOption* Node::option(std::string_view option_id) const {
  for (const auto& o : options) {
    if (o.id == option_id) return &o;
  }
  return nullptr;
}

const Node* Flow::find(std::string_view node_id) const {
  for (const auto& n : nodes) {
    if (n.id == node_id) return &n;
  }
  return nullptr;
}

const Flow* FlowSet::find(std::string_view flow_id) const {
  for (const auto& f : flows_) {
    if (f.id == flow_id) return &f;
  }
  return nullptr;
}

const Flow* FlowSet::for_role(std::string_view role, std::string_view guide) const {
  for (const auto& f : flows_) {
    if (f.role == role && (guide.empty() || f.guide == guide)) return &f;
  }
  return nullptr;
}

std::string_view FlowSet::doctor_section(std::string_view guide) const {
  auto it = doctor_sections_.find(guide);
  return it == doctor_sections_.end() ? std::string_view{} : std::string_view(it->second);
}

const Node* FlowSet::ask_for(const SlotAnswer& answer) const {
  for (const auto& f : flows_) {
    for (const auto& n : f.nodes) {
      if (n.type != NodeType::kAsk || n.slot != answer.slot) continue;
      bool all = std::all_of(answer.options.begin(), answer.options.end(),
                             [&](const std::string& o) { return n.option(o) != nullptr; });
      if (all) return &n;
    }
  }
  return nullptr;
}

// Reads the JSON files into a FlowSet, collecting findings instead of
// stopping at the first problem, so `guidechat check` can list them all.
class FlowReader {
 public:
  FlowReader(const knowledge::KnowledgeBase& kb, std::vector<FlowFinding>* findings)
      : kb_(kb), findings_(findings) {}

  void read_dir(const std::filesystem::path& dir, FlowSet* set) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      file_ = dir.string();
      add("", "not a directory");
      return;
    }
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      if (e.path().extension() == ".json") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    bool have_flags = false, have_language = false, have_emergencies = false;
    for (const auto& path : files) {
      file_ = path.string();
      json doc;
      if (!parse_file(path, &doc)) continue;
      std::string name = path.filename().string();
      if (name == kRedFlagsFile) {
        have_flags = true;
        read_red_flags(doc, set);
      } else if (name == kLanguageFile) {
        have_language = true;
        read_language(doc, &set->language_);
      } else if (name == kEmergenciesFile) {
        have_emergencies = true;
        std::vector<std::string> problems;
        read_emergencies(doc, &set->emergencies_, &set->extra_concepts_, &set->unset_numbers_,
                         &set->emergency_source_, &problems);
        add_problems(problems);
      } else if (name == kClinicFile) {
        std::vector<std::string> problems;
        read_clinic(doc, &set->clinic_, &problems);
        add_problems(problems);
      } else {
        Flow flow;
        flow.file = file_;
        if (!read_guide(doc, "(flow)", &flow.guide)) continue;
        if (read_flow(doc, &flow)) {
          if (set->find(flow.id) != nullptr) {
            add(flow.id, "flow id is used by another file too");
          } else {
            set->flows_.push_back(std::move(flow));
          }
        }
      }
    }
    file_ = (dir / kRedFlagsFile).string();
    if (!have_flags) add("", "missing: red flags and the urgent outcome live here");
    file_ = (dir / kLanguageFile).string();
    if (!have_language) add("", "missing: yes/no forms, small talk and replies live here");
    file_ = (dir / kEmergenciesFile).string();
    if (!have_emergencies)
      add("", "missing: the emergencies beyond the guide and their texts live here");
    build_safety(set);
    file_ = (dir / kClinicFile).string();
    struct Number {
      const char* name;
      const std::string* set;
      const std::string* unset;
    };
    const Clinic& c = set->clinic_;
    const Clinic& u = set->unset_numbers_;
    for (const Number& n : {Number{"emergency_number", &c.emergency_number, &u.emergency_number},
                            Number{"crisis_line", &c.crisis_line, &u.crisis_line},
                            Number{"poison_line", &c.poison_line, &u.poison_line}}) {
      if (!n.set->empty()) continue;
      findings_->push_back(
          {file_, 0, n.name, "not set: emergency texts say \"" + *n.unset + "\" instead", true});
    }
    file_ = dir.string();
    find_doctor_sections(set);
    for (const auto& g : kb_.guides()) {
      if (set->doctor_section(g.id).empty()) {
        warn(g.id,
             "no section about when to see a doctor (a heading naming a doctor or medical "
             "help): a \"when should I see a doctor\" question gets a search answer");
      }
      if (set->for_role(kSymptomsRole, g.id) == nullptr) {
        warn(g.id, "no symptom check flow (\"role\": \"symptoms\"): optional");
      }
    }
    for (const Flow& f : set->flows_) {
      std::size_t before = findings_->size();
      check_structure(f, findings_);
      for (std::size_t i = before; i < findings_->size(); ++i) (*findings_)[i].file = f.file;
    }
  }

 private:
  void add(std::string where, std::string message, int line = 0) {
    findings_->push_back({file_, line, std::move(where), std::move(message)});
  }
  void warn(std::string where, std::string message) {
    findings_->push_back({file_, 0, std::move(where), std::move(message), true});
  }

  // The file's "guide" (else the only guide loaded) into guide_ and *out;
  // false (with a warning) when it names a guide that is not loaded: the
  // file is skipped, so one dialogs folder serves any set of guides.
  bool read_guide(const json& doc, const std::string& where, std::string* out) {
    guide_.clear();
    if (doc.is_object() && doc.contains("guide")) {
      if (!get_string(doc, "guide", where, &guide_, true)) return false;
      if (kb_.guide(guide_) == nullptr) {
        warn(where, "guide '" + guide_ + "' is not loaded: this file is skipped");
        return false;
      }
    } else if (kb_.guides().size() == 1) {
      guide_ = kb_.guides().front().id;
    }
    *out = guide_;
    return true;
  }

  void find_doctor_sections(FlowSet* set) {
    const Language& lang = set->language_;
    PhraseSet doctor;
    for (const auto& p : lang.doctor_phrases) doctor.add(p, 0);
    WordSet question_words(lang.question_words), none;
    for (const auto& g : kb_.guides()) {
      const knowledge::Section* best = nullptr;
      for (const auto& sec : g.sections) {
        Tokens t = tokenize(sec.title, none);
        if (t.words.empty() || doctor.find(t).empty()) continue;
        if (question_words.contains(t.words.front())) {
          best = &sec;
          break;
        }
        if (best == nullptr) best = &sec;
      }
      if (best != nullptr) set->doctor_sections_[g.id] = g.id + "/" + best->id;
    }
  }

  // Problems given as "where: message".
  void add_problems(const std::vector<std::string>& problems) {
    for (const auto& p : problems) {
      auto colon = p.find(": ");
      if (colon == std::string::npos) {
        add("", p);
      } else {
        add(p.substr(0, colon), p.substr(colon + 2));
      }
    }
  }

  // The analysis of messages (the product's concepts plus those of the
  // safety files) and the safety rules over it.
  void build_safety(FlowSet* set) {
    set->language_data_ = kb_.language();
    set->lexicon_ = kb_.shared_lexicon();
    auto analyzer =
        language::Analyzer::build(kb_.language(), set->extra_concepts_, kb_.shared_lexicon());
    if (!analyzer.ok()) {
      file_ = "concepts";
      add("", analyzer.error());
      analyzer = language::Analyzer::build({}, {}, kb_.shared_lexicon());
    }
    std::vector<std::string> problems;
    set->safety_ =
        Safety::build(*analyzer, set->emergencies_, set->red_flags_, set->topic_, &problems);
    file_ = "safety rules";
    add_problems(problems);
  }

  bool parse_file(const std::filesystem::path& path, json* doc) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      add("", "cannot read the file");
      return false;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::string content = ss.str();
    try {
      *doc = json::parse(content);
    } catch (const json::parse_error& e) {
      std::string what = e.what();
      auto pos = what.find("syntax error");
      add("", "JSON " + (pos == std::string::npos ? what : what.substr(pos)),
          line_of(content, e.byte));
      return false;
    } catch (const std::exception& e) {
      add("", std::string("JSON error: ") + e.what());
      return false;
    }
    if (!doc->is_object()) {
      add("", "expected a JSON object at the top");
      return false;
    }
    return true;
  }

  // --- typed field access, each failure a finding ---------------------------
  bool get_string(const json& obj, const char* key, const std::string& where, std::string* out,
                  bool required) {
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) add(where, std::string("missing \"") + key + "\"");
      return !required;
    }
    if (!it->is_string()) {
      add(where, std::string("\"") + key + "\" must be a string");
      return false;
    }
    *out = it->get<std::string>();
    if (required && out->empty()) {
      add(where, std::string("\"") + key + "\" is empty");
      return false;
    }
    return true;
  }

  bool get_strings(const json& obj, const char* key, const std::string& where,
                   std::vector<std::string>* out, bool required) {
    auto it = obj.find(key);
    if (it == obj.end()) {
      if (required) add(where, std::string("missing \"") + key + "\"");
      return !required;
    }
    if (!it->is_array()) {
      add(where, std::string("\"") + key + "\" must be an array of strings");
      return false;
    }
    for (const auto& v : *it) {
      if (!v.is_string() || v.get<std::string>().empty()) {
        add(where, std::string("\"") + key + "\" must hold non-empty strings");
        return false;
      }
      out->push_back(v.get<std::string>());
    }
    return true;
  }

  void only_keys(const json& obj, std::initializer_list<const char*> keys,
                 const std::string& where) {
    for (const auto& item : obj.items()) {
      const std::string& k = item.key();  // not a structured binding: clang 14 cannot capture one
      bool known = std::any_of(keys.begin(), keys.end(), [&](const char* x) { return k == x; });
      if (!known) add(where, "unknown field \"" + k + "\"");
    }
  }

  bool read_condition(const json& j, const std::string& where, Condition* c, int depth = 0) {
    // Conditions are evaluated recursively: bound the nesting a file can ask for.
    if (depth > kMaxConditionDepth) {
      add(where, "condition nested too deeply");
      return false;
    }
    if (!j.is_object()) {
      add(where, "a condition must be an object");
      return false;
    }
    if (j.contains("slot")) {
      only_keys(j, {"slot", "in"}, where);
      c->kind = Condition::Kind::kSlot;
      return get_string(j, "slot", where, &c->slot, true) &&
             get_strings(j, "in", where, &c->options, true);
    }
    for (auto [key, kind] :
         {std::pair{"any", Condition::Kind::kAny}, std::pair{"all", Condition::Kind::kAll}}) {
      if (!j.contains(key)) continue;
      only_keys(j, {key}, where);
      c->kind = kind;
      if (!j[key].is_array() || j[key].empty()) {
        add(where, std::string("\"") + key + "\" must be a non-empty array of conditions");
        return false;
      }
      for (const auto& child : j[key]) {
        Condition cc;
        if (!read_condition(child, where, &cc, depth + 1)) return false;
        c->children.push_back(std::move(cc));
      }
      return true;
    }
    if (j.contains("not")) {
      only_keys(j, {"not"}, where);
      c->kind = Condition::Kind::kNot;
      Condition cc;
      if (!read_condition(j["not"], where, &cc, depth + 1)) return false;
      c->children.push_back(std::move(cc));
      return true;
    }
    add(where, "a condition needs \"slot\"+\"in\", \"any\", \"all\" or \"not\"");
    return false;
  }

  // "next": "node" or [{"if": condition, "goto": "node"}, ..., {"goto": "node"}]
  bool read_next(const json& j, const std::string& where, std::vector<Route>* routes) {
    if (j.is_string()) {
      routes->push_back({Condition{}, j.get<std::string>()});
      return true;
    }
    if (!j.is_array() || j.empty()) {
      add(where, "\"next\" must be a node id or a non-empty array of {\"if\", \"goto\"}");
      return false;
    }
    for (const auto& r : j) {
      if (!r.is_object()) {
        add(where, "each route must be an object {\"if\", \"goto\"}");
        return false;
      }
      only_keys(r, {"if", "goto"}, where);
      Route route;
      if (!get_string(r, "goto", where, &route.next, true)) return false;
      if (r.contains("if") && !read_condition(r["if"], where, &route.when)) return false;
      routes->push_back(std::move(route));
    }
    return true;
  }

  // {"section": id, "quote": [sentences]} resolved against the guide.
  bool read_text(const json& j, const std::string& where, GuideText* out) {
    if (!get_string(j, "section", where, &out->section, true)) return false;
    const knowledge::Section* s = guide_.empty() ? nullptr : kb_.find(guide_ + "/" + out->section);
    if (s == nullptr) s = kb_.find(out->section);
    if (s == nullptr) {
      add(where,
          kb_.ambiguous(out->section)
              ? "section id '" + out->section + "' is in several guides: give the file a \"guide\""
              : "unknown section id '" + out->section + "'");
      return false;
    }
    out->guide = s->guide;
    out->section = s->id;
    out->title = s->title;
    std::vector<std::string> quotes;
    if (!get_strings(j, "quote", where, &quotes, false)) return false;
    if (quotes.empty()) {
      out->text = s->text();
      return true;
    }
    std::string body = squash(s->text());
    for (const auto& q : quotes) {
      std::string sq = squash(q);
      if (body.find(sq) == std::string::npos) {
        add(where, "quote is not verbatim in section '" + out->section + "': \"" + q + "\"");
        return false;
      }
      if (!out->text.empty()) out->text += ' ';
      out->text += sq;
    }
    return true;
  }

  bool read_option(const json& j, const std::string& where, AskOption* o) {
    if (!j.is_object()) {
      add(where, "each option must be an object");
      return false;
    }
    only_keys(j, {"id", "label", "words", "polarity", "exclusive", "next"}, where);
    if (!get_string(j, "id", where, &o->id, true)) return false;
    std::string ow = where + " option '" + o->id + "'";
    if (!slug(o->id)) add(ow, "ids use a-z, 0-9, '-' and '_' only (at most 64)");
    bool ok = get_string(j, "label", ow, &o->label, true) &&
              get_strings(j, "words", ow, &o->words, false) &&
              get_string(j, "polarity", ow, &o->polarity, false);
    if (!o->polarity.empty() && o->polarity != "yes" && o->polarity != "no") {
      add(ow, "\"polarity\" must be \"yes\" or \"no\"");
      ok = false;
    }
    if (j.contains("exclusive")) {
      if (!j["exclusive"].is_boolean()) {
        add(ow, "\"exclusive\" must be true or false");
        ok = false;
      } else {
        o->exclusive = j["exclusive"].get<bool>();
      }
    }
    if (j.contains("next") && !read_next(j["next"], ow, &o->next)) ok = false;
    return ok;
  }

  bool read_node(const json& j, const std::string& flow_id, Node* n) {
    if (!j.is_object()) {
      add(flow_id, "each node must be an object");
      return false;
    }
    if (!get_string(j, "id", flow_id, &n->id, true)) return false;
    std::string where = flow_id + "/" + n->id;
    if (!slug(n->id)) add(where, "ids use a-z, 0-9, '-' and '_' only (at most 64)");
    std::string type;
    if (!get_string(j, "type", where, &type, true)) return false;
    bool ok = true;
    if (type == "ask") {
      n->type = NodeType::kAsk;
      only_keys(j, {"id", "type", "text", "slot", "summary", "multiple", "options", "next"}, where);
      ok = get_string(j, "text", where, &n->text, true) &&
           get_string(j, "slot", where, &n->slot, true) &&
           get_string(j, "summary", where, &n->summary_label, false);
      if (ok && !slug(n->slot)) add(where, "slot ids use a-z, 0-9, '-' and '_' only");
      if (j.contains("multiple")) {
        if (j["multiple"].is_boolean()) {
          n->multiple = j["multiple"].get<bool>();
        } else {
          add(where, "\"multiple\" must be true or false");
          ok = false;
        }
      }
      if (!j.contains("options") || !j["options"].is_array() || j["options"].empty()) {
        add(where, "an ask needs a non-empty \"options\" array");
        ok = false;
      } else {
        std::set<std::string> ids;
        for (const auto& oj : j["options"]) {
          AskOption o;
          if (!read_option(oj, where, &o)) {
            ok = false;
            continue;
          }
          if (!ids.insert(o.id).second) add(where, "option id '" + o.id + "' is used twice");
          n->options.push_back(std::move(o));
        }
      }
      if (j.contains("next") && !read_next(j["next"], where, &n->next)) ok = false;
    } else if (type == "info" || type == "outcome") {
      n->type = type == "info" ? NodeType::kInfo : NodeType::kOutcome;
      if (n->type == NodeType::kInfo) {
        only_keys(j, {"id", "type", "section", "quote", "next"}, where);
      } else {
        only_keys(j, {"id", "type", "level", "section", "quote", "tips"}, where);
        if (get_string(j, "level", where, &n->level, true) && n->level != "urgent" &&
            n->level != "doctor" && n->level != "self-care") {
          add(where, "\"level\" must be urgent, doctor or self-care");
          ok = false;
        }
      }
      if (j.contains("section")) {
        GuideText t;
        // Kept even when the section is unknown (already reported), so the
        // structure checks below do not also call it an outcome without a source.
        if (!read_text(j, where, &t)) ok = false;
        n->content.push_back(std::move(t));
      }
      if (j.contains("tips")) {
        if (!j["tips"].is_array()) {
          add(where, "\"tips\" must be an array");
          ok = false;
        } else {
          for (const auto& tj : j["tips"]) {
            GuideText t;
            if (!tj.is_object()) {
              add(where, "each tip must be an object");
              ok = false;
              continue;
            }
            only_keys(tj, {"if", "section", "quote"}, where + " tip");
            if (tj.contains("if") && !read_condition(tj["if"], where, &t.when)) ok = false;
            if (read_text(tj, where, &t)) n->tips.push_back(std::move(t));
          }
        }
      }
      if (n->type == NodeType::kInfo && j.contains("next") &&
          !read_next(j["next"], where, &n->next)) {
        ok = false;
      }
    } else if (type == "summary") {
      n->type = NodeType::kSummary;
      only_keys(j, {"id", "type", "text"}, where);
      ok = get_string(j, "text", where, &n->text, false);
    } else {
      add(where, "unknown node type '" + type + "' (ask, info, outcome or summary)");
      return false;
    }
    (void)ok;  // problems are in findings_; the node is usable for the checks
    return true;
  }

  bool read_flow(const json& doc, Flow* flow) {
    std::string where = "(flow)";
    only_keys(doc,
              {"id", "title", "intro", "phrases", "start", "nodes", "description", "guide", "role"},
              where);
    if (!get_string(doc, "id", where, &flow->id, true)) return false;
    where = flow->id;
    if (!slug(flow->id)) add(where, "flow ids use a-z, 0-9, '-' and '_' only (at most 64)");
    bool ok = get_string(doc, "title", where, &flow->title, true);
    ok = get_string(doc, "intro", where, &flow->intro, false) && ok;
    ok = get_strings(doc, "phrases", where, &flow->phrases, false) && ok;
    ok = get_string(doc, "start", where, &flow->start, true) && ok;
    ok = get_string(doc, "role", where, &flow->role, false) && ok;
    if (!flow->role.empty() && flow->role != kSymptomsRole && flow->role != kDoctorRole) {
      add(where, "unknown role '" + flow->role + "' (symptoms or doctor)");
    }
    if (!doc.contains("nodes") || !doc["nodes"].is_array() || doc["nodes"].empty()) {
      add(where, "a flow needs a non-empty \"nodes\" array");
      return false;
    }
    std::set<std::string> ids;
    for (const auto& nj : doc["nodes"]) {
      Node n;
      // A node with problems (already reported) still takes part in the
      // structure checks, so one run reports everything; only nodes
      // without a usable id or type are left out.
      std::size_t before = findings_->size();
      bool usable = read_node(nj, flow->id, &n);
      if (findings_->size() != before) ok = false;
      if (!usable) {
        if (!n.id.empty()) ids.insert(n.id);
        continue;
      }
      if (!ids.insert(n.id).second) {
        add(flow->id + "/" + n.id, "node id is used twice");
        ok = false;
        continue;
      }
      flow->nodes.push_back(std::move(n));
    }
    return true;  // problems were reported; keep what was read for the structure checks
  }

  void read_red_flags(const json& doc, FlowSet* set) {
    only_keys(doc, {"outcome", "flags", "description", "concepts", "topic", "guide"},
              "(red flags)");
    if (!read_guide(doc, "(red flags)", &set->topic_guide_)) return;
    Node& u = set->urgent_;
    u.id = "urgent";
    u.type = NodeType::kOutcome;
    u.level = "urgent";
    if (!doc.contains("outcome") || !doc["outcome"].is_object()) {
      add("outcome", "missing \"outcome\" {section, quote}: outcome without a source");
    } else {
      GuideText t;
      if (read_text(doc["outcome"], "outcome", &t)) u.content.push_back(std::move(t));
    }
    std::vector<std::string> problems;
    read_urgent_signs(doc, &set->red_flags_, &set->extra_concepts_, &set->topic_, &problems);
    add_problems(problems);
  }

  void read_language(const json& doc, Language* lang) {
    const std::string w = "(language)";
    for (auto [key, field] :
         {std::pair{"greeting", &lang->greeting},
          std::pair{"not_understood", &lang->not_understood},
          std::pair{"not_in_guide", &lang->not_in_guide},
          std::pair{"offer_check", &lang->offer_check}, std::pair{"contact", &lang->contact},
          std::pair{"summary_intro", &lang->summary_intro}, std::pair{"noted", &lang->noted},
          std::pair{"clarify", &lang->clarify}, std::pair{"corrected", &lang->corrected},
          std::pair{"after_outcome", &lang->after_outcome},
          std::pair{"welcome_back", &lang->welcome_back}, std::pair{"reset", &lang->reset}}) {
      (void)get_string(doc, key, w, field, true);
    }
    (void)get_string(doc, "english_only", w, &lang->english_only, false);
    for (auto [key, field] :
         {std::pair{"yes", &lang->yes}, std::pair{"no", &lang->no}, std::pair{"all", &lang->all},
          std::pair{"negators", &lang->negators}, std::pair{"clause_breaks", &lang->clause_breaks},
          std::pair{"question_words", &lang->question_words},
          std::pair{"doctor_phrases", &lang->doctor_phrases}, std::pair{"fillers", &lang->fillers},
          std::pair{"unsure", &lang->unsure}, std::pair{"corrections", &lang->corrections},
          std::pair{"back_references", &lang->back_references},
          std::pair{"additions", &lang->additions}}) {
      (void)get_strings(doc, key, w, field, true);
    }
    if (!doc.contains("small_talk") || !doc["small_talk"].is_array()) {
      add(w, "missing \"small_talk\" array");
      return;
    }
    for (const auto& sj : doc["small_talk"]) {
      SmallTalk st;
      if (!sj.is_object()) continue;
      if (get_string(sj, "kind", w, &st.kind, true) &&
          get_strings(sj, "phrases", w, &st.phrases, true) &&
          get_string(sj, "reply", w, &st.reply, true)) {
        lang->small_talk.push_back(std::move(st));
      }
    }
  }

  const knowledge::KnowledgeBase& kb_;
  std::vector<FlowFinding>* findings_;
  std::string file_;
  std::string guide_;  // of the file being read; empty: bare section ids are global
};

std::shared_ptr<FlowSet> FlowSet::read(const std::filesystem::path& dir,
                                       const knowledge::KnowledgeBase& kb,
                                       std::vector<FlowFinding>* findings) {
  auto set = std::make_shared<FlowSet>();
  FlowReader reader(kb, findings);
  reader.read_dir(dir, set.get());
  return set;
}

std::vector<FlowFinding> FlowSet::check(const std::filesystem::path& dir,
                                        const knowledge::KnowledgeBase& kb) {
  std::vector<FlowFinding> findings;
  (void)read(dir, kb, &findings);
  return findings;
}

Result<std::shared_ptr<const FlowSet>> FlowSet::load(const std::filesystem::path& dir,
                                                     const knowledge::KnowledgeBase& kb) {
  std::vector<FlowFinding> findings;
  auto set = read(dir, kb, &findings);
  std::erase_if(findings, [](const FlowFinding& f) { return f.warning; });
  if (!findings.empty()) {
    const FlowFinding& f = findings.front();
    std::string msg = f.file + (f.line > 0 ? ":" + std::to_string(f.line) : "") + ": " +
                      (f.where.empty() ? "" : f.where + ": ") + f.message;
    if (findings.size() > 1) {
      msg += " (and " + std::to_string(findings.size() - 1) + " more; run guidechat check)";
    }
    return Error{msg};
  }
  return std::shared_ptr<const FlowSet>(std::move(set));
}

}  // namespace guidechat::dialog
