#include "knowledge/synonyms.hpp"

#include <algorithm>

#include "common/lines.hpp"
#include "common/text.hpp"

namespace guidechat::knowledge {

namespace {

std::string join_words(std::string_view s) {
  std::string out;
  for (const auto& w : text::words(s)) {
    if (!out.empty()) out.push_back(' ');
    out += w;
  }
  return out;
}

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    auto comma = s.find(',', pos);
    if (comma == std::string_view::npos) comma = s.size();
    std::string item = join_words(s.substr(pos, comma - pos));
    if (!item.empty()) out.push_back(std::move(item));
    pos = comma + 1;
  }
  return out;
}

}  // namespace

Result<Synonyms> Synonyms::parse(std::string_view text, std::string_view file) {
  Synonyms syn;
  text::DataLines lines(text);
  for (std::string_view line; lines.next(&line);) {
    line = text::trim(line);
    if (line.empty()) continue;
    auto where = std::string(file) + ":" + std::to_string(lines.number()) + ": ";
    auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      return Error{where + "a rule needs '=' (e.g. 'physio = physical therapy')"};
    }
    auto lefts = split_list(line.substr(0, eq));
    auto rights = split_list(line.substr(eq + 1));
    if (lefts.empty()) return Error{where + "nothing left of '='"};
    if (rights.empty()) return Error{where + "nothing right of '='"};
    for (auto& left : lefts) {
      auto& alts = syn.rules_[left];
      for (const auto& r : rights) {
        if (r != left && std::find(alts.begin(), alts.end(), r) == alts.end()) alts.push_back(r);
      }
      syn.max_words_ = std::max(
          syn.max_words_, static_cast<std::size_t>(std::count(left.begin(), left.end(), ' ')) + 1);
      if (auto space = left.find(' '); space != std::string::npos) {
        syn.phrase_starts_.insert(left.substr(0, space));
      }
    }
  }
  return syn;
}

const std::vector<std::string>* Synonyms::lookup(std::string_view phrase) const {
  auto it = rules_.find(phrase);
  if (it != rules_.end()) return &it->second;
  // Plurals: "relaxers" -> "relaxer", "twitches" -> "twitch".
  for (std::string_view suffix : {"es", "s"}) {
    if (phrase.size() > suffix.size() + 2 && phrase.ends_with(suffix)) {
      it = rules_.find(phrase.substr(0, phrase.size() - suffix.size()));
      if (it != rules_.end()) return &it->second;
    }
  }
  return nullptr;
}

std::size_t Synonyms::match(const std::vector<std::string>& words, std::size_t start,
                            const std::vector<std::string>** alternatives) const {
  std::size_t longest = std::min(max_words_, words.size() - std::min(start, words.size()));
  if (longest == 0) return 0;
  if (longest > 1 && !phrase_starts_.contains(words[start])) longest = 1;
  // Built once: the phrase of n words is a prefix of the longest one.
  std::string phrase = words[start];
  for (std::size_t i = 1; i < longest; ++i) {
    phrase += ' ';
    phrase += words[start + i];
  }
  std::size_t length = phrase.size();
  for (std::size_t n = longest; n >= 1; --n) {
    if (const auto* alts = lookup(std::string_view(phrase).substr(0, length))) {
      *alternatives = alts;
      return n;
    }
    if (n > 1) length -= words[start + n - 1].size() + 1;
  }
  return 0;
}

std::vector<std::string> Synonyms::single_words() const {
  std::vector<std::string> out;
  for (const auto& [left, alts] : rules_) {
    if (left.find(' ') == std::string::npos) out.push_back(left);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace guidechat::knowledge
