#include "language/lay_words.hpp"

#include <array>
#include <utility>

#include "common/lines.hpp"

namespace guidechat::language {

namespace {

// WordNet's own rules for the base form of an inflected word (wndb(5),
// morphy(7)): suffix -> replacement, tried in order.
constexpr std::array<std::pair<std::string_view, std::string_view>, 18> kInflections{{
    {"ies", "y"},
    {"ses", "s"},
    {"xes", "x"},
    {"zes", "z"},
    {"ches", "ch"},
    {"shes", "sh"},
    {"men", "man"},
    {"es", "e"},
    {"es", ""},
    {"s", ""},
    {"ing", "e"},
    {"ing", ""},
    {"ed", "e"},
    {"ed", ""},
    {"er", "e"},
    {"er", ""},
    {"est", "e"},
    {"est", ""},
}};

std::vector<std::string> split_commas(std::string_view list) {
  std::vector<std::string> out;
  while (!list.empty()) {
    auto comma = list.find(',');
    out.emplace_back(list.substr(0, comma));
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

LayWords LayWords::from_text(std::string text) {
  LayWords lay;
  lay.text_ = std::make_unique<const std::string>(std::move(text));
  text::DataLines lines(*lay.text_);
  for (std::string_view line; lines.next(&line);) {
    auto tab = line.find('\t');
    if (tab == std::string_view::npos || tab == 0) continue;
    std::string_view key = line.substr(0, tab);
    lay.entries_.emplace(key, line.substr(tab + 1));
    if (auto space = key.find(' '); space != std::string_view::npos) {
      lay.phrase_starts_.insert(key.substr(0, space));
    }
  }
  return lay;
}

std::string_view LayWords::find(std::string_view phrase) const {
  if (auto it = entries_.find(phrase); it != entries_.end()) return it->second;
  std::string base;
  for (const auto& [suffix, replacement] : kInflections) {
    if (phrase.size() < suffix.size() + 3 || !phrase.ends_with(suffix)) continue;
    base.assign(phrase.substr(0, phrase.size() - suffix.size()));
    base += replacement;
    if (auto it = entries_.find(base); it != entries_.end()) return it->second;
    // "humming" -> "humm" -> "hum"
    std::size_t n = base.size();
    if (replacement.empty() && n >= 3 && base[n - 1] == base[n - 2]) {
      base.pop_back();
      if (auto it = entries_.find(base); it != entries_.end()) return it->second;
    }
  }
  return {};
}

bool LayWords::lookup(std::string_view phrase, LayAlternatives* out) const {
  std::string_view entry = find(phrase);
  if (entry.empty()) return false;
  auto tab = entry.find('\t');
  out->synonyms = split_commas(entry.substr(0, tab));
  out->broader.clear();
  if (tab != std::string_view::npos) out->broader = split_commas(entry.substr(tab + 1));
  return true;
}

}  // namespace guidechat::language
