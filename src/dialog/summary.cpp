#include "dialog/summary.hpp"

#include <algorithm>

namespace guidechat::dialog {

namespace {

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string lower_first(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z' && (s.size() < 2 || !(s[1] >= 'A' && s[1] <= 'Z'))) {
    s[0] = static_cast<char>(s[0] - 'A' + 'a');
  }
  return s;
}

}  // namespace

protocol::Part build_summary(const FlowSet& flows, const State& state) {
  protocol::Part part;
  part.type = protocol::PartType::kSummary;
  std::vector<std::string> sentences;
  for (const Answer& a : state.answers) {
    std::vector<std::string> labels;
    std::string question, intro;
    if (a.slot == kRedFlagSlot) {
      for (const auto& id : a.options) {
        for (const auto& f : flows.red_flags()) {
          if (f.id == id) labels.push_back(f.label);
        }
      }
      question = "Warning signs mentioned";
      intro = "Mentioned";
    } else if (const Node* ask = flows.ask_for(a)) {
      for (const auto& id : a.options) labels.push_back(ask->option(id)->label);
      question = ask->text;
      intro = ask->summary_label.empty() ? ask->text : ask->summary_label;
    }
    if (labels.empty()) continue;  // the flows changed since: nothing reliable to say
    part.items.push_back({question, join(labels, ", ")});
    std::vector<std::string> lowered;
    std::transform(labels.begin(), labels.end(), std::back_inserter(lowered), lower_first);
    sentences.push_back(intro + ": " + join(lowered, ", ") + ".");
  }
  if (sentences.empty()) {
    part.text = "No answers have been given yet.";
  } else {
    part.text = "What the person told the guide assistant (their own answers, not a diagnosis). " +
                join(sentences, " ");
  }
  return part;
}

}  // namespace guidechat::dialog
