#include "dialog/answer_matcher.hpp"

#include <algorithm>
#include <cctype>

namespace guidechat::dialog {

namespace {

std::string id_words(const std::string& id) {
  std::string s = id;
  std::replace(s.begin(), s.end(), '-', ' ');
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

bool is_number(const std::string& w) {
  return !w.empty() && w.size() <= 2 &&
         std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

AnswerMatcher::AnswerMatcher(const Node& ask, const Language& language)
    : ask_(&ask), phrases_(WordSet(language.negators)) {
  for (std::size_t i = 0; i < ask.options.size(); ++i) {
    const AskOption& o = ask.options[i];
    int tag = static_cast<int>(i);
    phrases_.add(o.label, tag);
    phrases_.add(id_words(o.id), tag);
    for (const auto& w : o.words) phrases_.add(w, tag);
    if (o.polarity == "yes") {
      yes_ = tag;
      for (const auto& w : language.yes) phrases_.add(w, tag);
    } else if (o.polarity == "no") {
      no_ = tag;
      for (const auto& w : language.no) phrases_.add(w, tag);
    }
  }
  if (ask.multiple) {
    for (const auto& w : language.all) phrases_.add(w, kAll);
  }
}

std::vector<std::string> AnswerMatcher::match(const Tokens& tokens) const {
  const auto& options = ask_->options;
  std::vector<bool> chosen(options.size(), false);
  bool any = false;

  // "2", "1 and 3", "option 2": the numbers the terminal shows.
  bool all_numbers = !tokens.words.empty();
  bool saw_number = false;
  for (const auto& w : tokens.words) {
    if (is_number(w)) {
      saw_number = true;
      std::size_t n = std::stoul(w);
      if (n == 0 || n > options.size()) return {};
    } else if (all_numbers && w != "and" && w != "or" && w != "option" && w != "number" &&
               w != "options") {
      all_numbers = false;  // (every word is still checked for an option number out of range)
    }
  }
  if (all_numbers && saw_number) {
    for (const auto& w : tokens.words) {
      if (is_number(w)) chosen[std::stoul(w) - 1] = true;
    }
    any = true;
  } else {
    for (const PhraseHit& h : phrases_.find(tokens)) {
      int tag = h.tag;
      if (h.negated) {
        // "not yes" means no, and the reverse; a negated option is not chosen.
        if (tag == yes_ && no_ >= 0) {
          tag = no_;
        } else if (tag == no_ && yes_ >= 0) {
          tag = yes_;
        } else {
          continue;
        }
      }
      if (tag == kAll) {
        for (std::size_t i = 0; i < options.size(); ++i) {
          if (!options[i].exclusive) chosen[i] = true;
        }
      } else {
        chosen[static_cast<std::size_t>(tag)] = true;
      }
      any = true;
    }
  }
  if (!any) return {};
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < options.size(); ++i) {
    if (chosen[i]) ids.push_back(options[i].id);
  }
  ids = normalize_choice(*ask_, ids);
  if (!ask_->multiple && ids.size() != 1) return {};
  return ids;
}

std::vector<std::string> normalize_choice(const Node& ask, const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  bool has_plain = false;
  for (const auto& o : ask.options) {
    if (std::find(ids.begin(), ids.end(), o.id) != ids.end() && !o.exclusive) has_plain = true;
  }
  for (const auto& o : ask.options) {
    if (std::find(ids.begin(), ids.end(), o.id) == ids.end()) continue;
    if (o.exclusive && has_plain) continue;
    out.push_back(o.id);
  }
  return out;
}

}  // namespace guidechat::dialog
