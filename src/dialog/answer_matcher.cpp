#include "dialog/answer_matcher.hpp"

#include <algorithm>
#include <cctype>

namespace guidechat::dialog {

using language::ConceptDef;
using language::ConceptId;
using language::Role;

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

std::string option_name(std::size_t i) {
  return "option-" + std::to_string(i);
}

}  // namespace

AnswerMatcher::AnswerMatcher(const Node& ask, const Language& language,
                             const language::LanguageData& data,
                             std::shared_ptr<const language::Lexicon> lexicon)
    : ask_(&ask) {
  // The product's grammar and context words; the options are the meanings.
  language::LanguageData base = data;
  // Negation after the words ("talks fine") would turn "no, he talks fine"
  // into a yes: an answer's own words come first.
  std::erase_if(base.concepts, [](const ConceptDef& c) {
    return c.role == Role::kMeaning || c.role == Role::kNegationAfter;
  });
  std::vector<ConceptDef> options;
  for (std::size_t i = 0; i < ask.options.size(); ++i) {
    const AskOption& o = ask.options[i];
    ConceptDef c{option_name(i), Role::kMeaning, false, {o.label, id_words(o.id)}, {}, ask.id};
    c.words.insert(c.words.end(), o.words.begin(), o.words.end());
    if (o.polarity == "yes") {
      yes_ = static_cast<int>(i);
      c.words.insert(c.words.end(), language.yes.begin(), language.yes.end());
    } else if (o.polarity == "no") {
      no_ = static_cast<int>(i);
      c.words.insert(c.words.end(), language.no.begin(), language.no.end());
    }
    options.push_back(std::move(c));
  }
  if (ask.multiple) options.push_back({"all", Role::kMeaning, false, language.all, {}, ask.id});
  options.push_back({"unsure", Role::kMeaning, false, language.unsure, {}, ask.id});
  options.push_back({"contrast", Role::kMeaning, false, language.corrections, {}, ask.id});
  auto built = language::Analyzer::build(base, options, std::move(lexicon));
  if (!built.ok()) return;  // the flow checker reports bad words; this ask then reads numbers only
  analyzer_ = *built;
  for (std::size_t i = 0; i < ask.options.size(); ++i) {
    option_concept_.push_back(analyzer_->find(option_name(i)));
  }
  all_ = analyzer_->find("all");
  unsure_ = analyzer_->find("unsure");
  contrast_ = analyzer_->find("contrast");
}

std::vector<std::string> AnswerMatcher::by_number(const Tokens& tokens) const {
  // "2", "1 and 3", "option 2": the numbers the terminal shows.
  const auto& options = ask_->options;
  bool saw_number = false;
  for (const auto& w : tokens.words) {
    if (is_number(w)) {
      saw_number = true;
      std::size_t n = std::stoul(w);
      if (n == 0 || n > options.size()) return {};
    } else if (w != "and" && w != "or" && w != "option" && w != "number" && w != "options") {
      return {};
    }
  }
  if (!saw_number) return {};
  std::vector<std::string> ids;
  for (const auto& w : tokens.words) {
    if (is_number(w)) ids.push_back(options[std::stoul(w) - 1].id);
  }
  return ids;
}

AnswerMatcher::Match AnswerMatcher::match(const language::Tokens& words,
                                          const Tokens& tokens) const {
  Match out;
  if (auto ids = by_number(tokens); !ids.empty()) {
    out.ids = normalize_choice(*ask_, ids);
    if (!ask_->multiple && out.ids.size() != 1) out.ids.clear();
    return out;
  }
  if (analyzer_ == nullptr) return out;
  const language::Analysis a = analyzer_->analyze(words);
  const auto& options = ask_->options;
  std::vector<int> said;  // option indexes in the order said (kAll for "all of them")
  bool unsure = false, contrast = false;
  for (const auto& m : a.mentions) {
    if (m.concept_id == unsure_) unsure = !m.context.negated;
    if (m.concept_id == contrast_) contrast = true;
    int tag = m.concept_id == all_ ? kAll : -2;
    for (std::size_t i = 0; i < option_concept_.size(); ++i) {
      if (option_concept_[i] == m.concept_id) tag = static_cast<int>(i);
    }
    if (tag == -2) continue;
    if (m.context.negated) {
      // "not yes" means no, and the reverse; a negated option is not chosen.
      if (tag == yes_ && no_ >= 0) {
        tag = no_;
      } else if (tag == no_ && yes_ >= 0) {
        tag = yes_;
      } else {
        continue;
      }
    }
    said.push_back(tag);
  }
  std::vector<std::string> ids;
  bool named = std::any_of(said.begin(), said.end(), [](int t) { return t >= 0; });
  for (int tag : said) {
    if (tag >= 0) ids.push_back(options[static_cast<std::size_t>(tag)].id);
    // "both the eyelid and the mouth" names them; "all of them" alone does.
    if (tag == kAll && !named) {
      for (const auto& o : options) {
        if (!o.exclusive) ids.push_back(o.id);
      }
    }
  }
  out.ids = normalize_choice(*ask_, ids);
  if (!ask_->multiple && out.ids.size() > 1) {
    // "very strong - no, more just noticeable": a correction means the last.
    if (contrast && named) {
      out.ids = {options[static_cast<std::size_t>(said.back() >= 0 ? said.back() : 0)].id};
    } else {
      out.ids.clear();
      out.unsure = true;
    }
  }
  // "sort of? I don't really know": doubt wins over a half answer.
  if (unsure &&
      (out.ids.empty() || (!ask_->multiple && (said.back() == yes_ || said.back() == no_)))) {
    out.ids.clear();
    out.unsure = true;
  }
  return out;
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
