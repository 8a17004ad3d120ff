#include "dialog/summary.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace guidechat::dialog {

namespace {

constexpr std::string_view kPreamble =
    "What the person told the guide assistant (their own answers, not a diagnosis). ";

// Appends `s` to the list that starts at out[start]: `sep` goes before it
// unless the list is still empty (an empty item adds no separator).
void append_item(std::string* out, std::size_t start, std::string_view s, std::string_view sep) {
  if (out->size() > start) out->append(sep);
  out->append(s);
}

// Lower-cases the first letter of out[at...], the last item appended,
// unless it starts an acronym.
void lower_first(std::string* out, std::size_t at) {
  std::string& s = *out;
  if (at < s.size() && s[at] >= 'A' && s[at] <= 'Z' &&
      (at + 1 >= s.size() || !(s[at + 1] >= 'A' && s[at + 1] <= 'Z'))) {
    s[at] = static_cast<char>(s[at] - 'A' + 'a');
  }
}

}  // namespace

protocol::Part build_summary(const FlowSet& flows, const State& state) {
  protocol::Part part;
  part.type = protocol::PartType::kSummary;
  // Built straight into the part's strings: a summary is asked for in every
  // scripted conversation, and its temporaries were most of its cost.
  std::string text(kPreamble);
  const std::size_t sentences = text.size();
  std::vector<const std::string*> labels;
  for (const SlotAnswer& a : state.answers) {
    labels.clear();
    std::string_view question, intro;
    if (a.slot == kRedFlagSlot) {
      for (const auto& id : a.options) {
        for (const auto& f : flows.red_flags()) {
          if (f.id == id) labels.push_back(&f.label);
        }
        for (const auto& e : flows.emergencies()) {
          if (e.id == id) labels.push_back(&e.title);
        }
      }
      question = "Warning signs mentioned";
      intro = "Mentioned";
    } else if (const Node* ask = flows.ask_for(a)) {
      for (const auto& id : a.options) labels.push_back(&ask->option(id)->label);
      question = ask->text;
      intro = ask->summary_label.empty() ? ask->text : ask->summary_label;
    }
    if (labels.empty()) continue;  // the flows changed since: nothing reliable to say
    protocol::SummaryItem item;
    item.question = question;
    for (const std::string* l : labels) append_item(&item.answer, 0, *l, ", ");
    part.items.push_back(std::move(item));
    if (text.size() > sentences) text.push_back(' ');
    text += intro;
    text += ": ";
    const std::size_t list = text.size();
    for (const std::string* l : labels) {
      append_item(&text, list, *l, ", ");
      lower_first(&text, text.size() - l->size());
    }
    text.push_back('.');
  }
  if (text.size() == sentences) {
    part.text = "No answers have been given yet.";
  } else {
    part.text = std::move(text);
  }
  return part;
}

}  // namespace guidechat::dialog
