#include "language/concepts.hpp"

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

namespace guidechat::language {

using nlohmann::json;

namespace {

constexpr std::pair<std::string_view, Role> kRoles[] = {
    {"meaning", Role::kMeaning},
    {"negation", Role::kNegation},
    {"negation-after", Role::kNegationAfter},
    {"hypothetical", Role::kHypothetical},
    {"hypothetical-after", Role::kHypotheticalAfter},
    {"conditional", Role::kConditional},
    {"historical", Role::kHistorical},
    {"recent", Role::kRecent},
    {"non-human", Role::kNonHuman},
    {"ignore", Role::kIgnore},
};

bool string_list(const json& j, std::vector<std::string>* out) {
  if (!j.is_array()) return false;
  for (const auto& v : j) {
    if (!v.is_string() || v.get<std::string>().empty()) return false;
    out->push_back(v.get<std::string>());
  }
  return true;
}

bool number_map(const json& j, DurationWords::Table* out) {
  if (!j.is_object()) return false;
  for (const auto& [k, v] : j.items()) {
    if (!v.is_number() || v.get<double>() < 0) return false;
    (*out)[k] = v.get<double>();
  }
  return true;
}

Status read_durations(const json& j, DurationWords* d) {
  if (!j.is_object()) return Status::Fail("\"durations\" must be an object");
  if (!j.contains("units") || !number_map(j["units"], &d->units) || d->units.empty()) {
    return Status::Fail("\"durations.units\" must map words to minutes");
  }
  if (j.contains("amounts") && !number_map(j["amounts"], &d->amounts)) {
    return Status::Fail("\"durations.amounts\" must map words to numbers");
  }
  if (j.contains("spans") && !number_map(j["spans"], &d->spans)) {
    return Status::Fail("\"durations.spans\" must map words to minutes");
  }
  if (j.contains("since") && !number_map(j["since"], &d->since)) {
    return Status::Fail("\"durations.since\" must map words to minutes");
  }
  if (j.contains("phrases") && !number_map(j["phrases"], &d->phrases)) {
    return Status::Fail("\"durations.phrases\" must map phrases to minutes");
  }
  if (j.contains("plural_leads") && !string_list(j["plural_leads"], &d->plural_leads)) {
    return Status::Fail("\"durations.plural_leads\" must be a list of words");
  }
  if (j.contains("compounds") && !string_list(j["compounds"], &d->compounds)) {
    return Status::Fail("\"durations.compounds\" must be a list of words");
  }
  if (j.contains("span_leads") && !string_list(j["span_leads"], &d->span_leads)) {
    return Status::Fail("\"durations.span_leads\" must be a list of words");
  }
  if (j.contains("unspecified_amount")) {
    if (!j["unspecified_amount"].is_number()) {
      return Status::Fail("\"durations.unspecified_amount\" must be a number");
    }
    d->unspecified_amount = j["unspecified_amount"].get<double>();
  }
  return Status::Ok();
}

}  // namespace

Role role_of(std::string_view name, bool* ok) {
  for (const auto& [n, r] : kRoles) {
    if (n == name) {
      *ok = true;
      return r;
    }
  }
  *ok = false;
  return Role::kMeaning;
}

std::string_view role_name(Role role) {
  for (const auto& [n, r] : kRoles) {
    if (r == role) return n;
  }
  return "?";
}

std::vector<ConceptDef> read_concepts(const json& value, const std::string& origin,
                                      std::vector<std::string>* problems) {
  std::vector<ConceptDef> out;
  if (!value.is_object()) {
    problems->push_back("\"concepts\" must be an object of concept ids");
    return out;
  }
  for (const auto& [id, v] : value.items()) {
    ConceptDef c;
    c.id = id;
    c.origin = origin;
    const json* words = &v;
    if (v.is_object()) {
      for (const auto& [key, ignored] : v.items()) {
        if (key != "role" && key != "words" && key != "question_only" && key != "about" &&
            key != "search") {
          problems->push_back("concept '" + id + "': unknown field \"" + key + "\"");
        }
      }
      if (v.contains("role")) {
        bool ok = v["role"].is_string();
        if (ok) c.role = role_of(v["role"].get<std::string>(), &ok);
        if (!ok) problems->push_back("concept '" + id + "': unknown \"role\"");
      }
      if (v.contains("question_only")) {
        if (v["question_only"].is_boolean()) {
          c.question_only = v["question_only"].get<bool>();
        } else {
          problems->push_back("concept '" + id + "': \"question_only\" must be true or false");
        }
      }
      if (v.contains("search") && !string_list(v["search"], &c.search)) {
        problems->push_back("concept '" + id + "': \"search\" must be a list of words");
      }
      words = v.contains("words") ? &v["words"] : nullptr;
    }
    if (words == nullptr || !string_list(*words, &c.words) || c.words.empty()) {
      problems->push_back("concept '" + id + "': needs a non-empty list of words");
      continue;
    }
    out.push_back(std::move(c));
  }
  return out;
}

Result<LanguageData> load_language_data(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot read the file"};
  std::stringstream ss;
  ss << in.rdbuf();
  json doc;
  try {
    doc = json::parse(ss.str());
  } catch (const std::exception& e) {
    return Error{path + ": " + e.what()};
  }
  if (!doc.is_object()) return Error{path + ": expected a JSON object"};
  LanguageData data;
  auto fail = [&](const std::string& m) { return Error{path + ": " + m}; };
  const auto& g = doc.value("grammar", json::object());
  std::vector<std::string> clause_words, question_words, terminators, new_subjects, sequence;
  if (!g.is_object() || !string_list(g.value("clause_words", json::array()), &clause_words) ||
      !string_list(g.value("question_words", json::array()), &question_words) ||
      !string_list(g.value("terminators", json::array()), &terminators) ||
      !string_list(g.value("new_subjects", json::array()), &new_subjects) ||
      !string_list(g.value("sequence_words", json::array()), &sequence)) {
    return fail(
        "\"grammar\" needs lists \"clause_words\", \"question_words\", \"terminators\" (and "
        "may have \"new_subjects\", \"sequence_words\")");
  }
  data.grammar.new_subjects = {new_subjects.begin(), new_subjects.end()};
  data.grammar.sequence_words = {sequence.begin(), sequence.end()};
  data.grammar.clause_words = {clause_words.begin(), clause_words.end()};
  data.grammar.question_words = {question_words.begin(), question_words.end()};
  data.grammar.terminators = {terminators.begin(), terminators.end()};
  if (g.contains("spellings")) {
    if (!g["spellings"].is_object()) return fail("\"grammar.spellings\" must map words to words");
    for (const auto& [from, to] : g["spellings"].items()) {
      if (!to.is_string()) return fail("\"grammar.spellings\" must map words to words");
      data.grammar.spellings[from] = to.get<std::string>();
    }
  }
  if (doc.contains("negation_window")) {
    if (!doc["negation_window"].is_number_integer())
      return fail("\"negation_window\" must be a number");
    data.negation_window = doc["negation_window"].get<int>();
  }
  if (doc.contains("context_window")) {
    if (!doc["context_window"].is_number_integer())
      return fail("\"context_window\" must be a number");
    data.context_window = doc["context_window"].get<int>();
  }
  if (doc.contains("classes")) {
    if (!doc["classes"].is_object()) return fail("\"classes\" must be an object of word lists");
    for (const auto& [name, words] : doc["classes"].items()) {
      if (!string_list(words, &data.classes[name])) {
        return fail("class '" + name + "' must be a list of words");
      }
    }
  }
  std::vector<std::string> problems;
  data.concepts = read_concepts(doc.value("concepts", json()), path, &problems);
  if (!problems.empty()) return fail(problems.front());
  if (doc.contains("durations")) {
    if (auto s = read_durations(doc["durations"], &data.durations); !s) return fail(s.error());
  }
  for (const auto& p : check_concepts(data)) return fail(p);
  return data;
}

std::vector<std::string> check_concepts(const LanguageData& data) {
  std::vector<std::string> problems;
  for (const auto& c : data.concepts) {
    for (const auto& phrase : c.words) {
      std::size_t open = phrase.find('{');
      while (open != std::string::npos) {
        std::size_t close = phrase.find('}', open);
        if (close == std::string::npos) {
          problems.push_back("concept '" + c.id + "': unclosed '{' in \"" + phrase + "\"");
          break;
        }
        std::string name = phrase.substr(open + 1, close - open - 1);
        if (!data.classes.count(name)) {
          problems.push_back("concept '" + c.id + "': unknown class {" + name + "} in \"" + phrase +
                             "\"");
        }
        open = phrase.find('{', close);
      }
    }
  }
  return problems;
}

}  // namespace guidechat::language
