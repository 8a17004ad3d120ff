#include "language/analysis.hpp"

#include <algorithm>
#include <cstdio>

#include "common/limits.hpp"
#include "common/text.hpp"
#include "language/stemmer.hpp"

namespace guidechat::language {

namespace {

// Typos are forgiven only in words this long (one edit turns "blink" into
// "blind" but a short word into many others) and only in words that are
// not English or rare (SCOWL class 0 or from this one up).
constexpr std::size_t kMinTypoWord = 5;
constexpr int kRareClass = 50;
// Fewer words than this are never judged to be another language ("si", "gracias").
constexpr std::size_t kMinForeignWords = 4;

// Damerau distance <= 1 without allocating.
bool within_one_edit(std::string_view a, std::string_view b) {
  if (a.size() > b.size()) std::swap(a, b);
  if (b.size() - a.size() > 1) return false;
  std::size_t i = 0;
  while (i < a.size() && a[i] == b[i]) ++i;
  if (i == a.size()) return true;
  if (a.size() == b.size()) {
    if (a.substr(i + 1) == b.substr(i + 1)) return true;
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.substr(i + 2) == b.substr(i + 2);
  }
  return a.substr(i) == b.substr(i + 1);
}

// "8am", "10pm", "0200", "14": a time of day.
bool clock_time(std::string_view w) {
  if (w.ends_with("am") || w.ends_with("pm")) w.remove_suffix(2);
  if (w.empty() || w.size() > 4) return false;
  return std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool all_digits(std::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

const char* flag_text(const Context& c) {
  if (c.negated) return " NEGATED";
  if (c.hypothetical) return " HYPOTHETICAL";
  if (c.conditional) return " CONDITIONAL";
  if (c.historical) return " HISTORICAL";
  if (c.non_human) return " NON-HUMAN";
  return "";
}

}  // namespace

struct Analyzer::Item {
  enum class Kind { kStem, kExact, kClass, kAny };
  Kind kind = Kind::kStem;
  std::string word;                // kStem: the word as written; kExact: the word
  std::string stem;                // kStem
  std::vector<std::string> words;  // kClass: its words
};

struct Analyzer::Term {
  ConceptId concept_id = kNoConcept;
  bool anchored = false;  // must start a sentence
  std::vector<Item> items;
};

Result<std::shared_ptr<const Analyzer>> Analyzer::build(const LanguageData& data,
                                                        const std::vector<ConceptDef>& extra,
                                                        std::shared_ptr<const Lexicon> lexicon) {
  std::shared_ptr<Analyzer> a(new Analyzer());
  a->data_ = data;
  a->lexicon_ = std::move(lexicon);
  std::vector<const ConceptDef*> all;
  for (const auto& c : data.concepts) all.push_back(&c);
  for (const auto& c : extra) all.push_back(&c);
  for (const ConceptDef* c : all) {
    ConceptId id = a->find(c->id);
    if (id == kNoConcept) {
      id = static_cast<ConceptId>(a->concepts_.size());
      a->concepts_.push_back({c->id, c->role, c->question_only, c->search});
    } else if (a->concepts_[static_cast<std::size_t>(id)].role != c->role) {
      return Error{c->origin + ": concept '" + c->id + "' has another role elsewhere"};
    }
    for (const auto& phrase : c->words) {
      if (auto s = a->add_term(id, phrase); !s) {
        return Error{c->origin + ": concept '" + c->id + "': " + s.error()};
      }
    }
  }
  for (const auto& [unit, minutes] : data.durations.units) {
    a->unit_stems_[stem(plain_word(text::fold(unit)))] = minutes;
  }
  for (const auto& [phrase, minutes] : data.durations.phrases) {
    a->duration_starts_.insert(phrase.substr(0, phrase.find(' ')));
  }
  a->self_ = a->find("self");
  a->third_party_ = a->find("third-party");
  a->contrast_ = a->find("self-contrast");
  return std::shared_ptr<const Analyzer>(std::move(a));
}

ConceptId Analyzer::find(std::string_view name) const {
  for (std::size_t i = 0; i < concepts_.size(); ++i) {
    if (concepts_[i].id == name) return static_cast<ConceptId>(i);
  }
  return kNoConcept;
}

Status Analyzer::add_term(ConceptId concept_id, const std::string& phrase) {
  Term term;
  term.concept_id = concept_id;
  std::string_view rest = text::trim(phrase);
  if (!rest.empty() && rest.front() == '^') {
    term.anchored = true;
    rest.remove_prefix(1);
  }
  std::size_t pos = 0;
  std::string_view s = rest;
  while (pos < s.size()) {
    while (pos < s.size() && s[pos] == ' ') ++pos;
    if (pos >= s.size()) break;
    std::size_t end = s.find(' ', pos);
    if (end == std::string_view::npos) end = s.size();
    std::string_view raw = s.substr(pos, end - pos);
    pos = end;
    Item item;
    if (raw == "*") {
      if (term.items.empty()) return Status::Fail("a phrase cannot start with *");
      item.kind = Item::Kind::kAny;
      term.items.push_back(std::move(item));
      continue;
    }
    if (raw.size() > 2 && raw.front() == '{' && raw.back() == '}') {
      auto it = data_.classes.find(std::string(raw.substr(1, raw.size() - 2)));
      if (it == data_.classes.end()) return Status::Fail("unknown class " + std::string(raw));
      item.kind = Item::Kind::kClass;
      for (const auto& w : it->second) item.words.push_back(plain_word(text::fold(w)));
      term.items.push_back(std::move(item));
      continue;
    }
    bool exact = raw.front() == '=';
    if (exact) raw.remove_prefix(1);
    // A phrase word may hold punctuation that splits into several words
    // ("a&e" -> "a", "e"), each a word of the phrase.
    for (const auto& w : text::words(raw)) {
      Item part;
      part.kind = exact ? Item::Kind::kExact : Item::Kind::kStem;
      part.word = plain_word(w);
      part.stem = stem(part.word);
      term.items.push_back(std::move(part));
    }
  }
  if (term.items.empty()) return Status::Fail("empty phrase \"" + phrase + "\"");
  std::size_t index = terms_.size();
  const Item& first = term.items.front();
  switch (first.kind) {
    case Item::Kind::kStem:
      by_stem_[first.stem].push_back(index);
      if (first.word.size() >= kMinTypoWord) by_letter_[first.stem[0]].push_back(index);
      break;
    case Item::Kind::kExact:
      by_word_[first.word].push_back(index);
      break;
    case Item::Kind::kClass:
      for (const auto& w : first.words) by_word_[w].push_back(index);
      break;
    case Item::Kind::kAny:
      break;
  }
  terms_.push_back(std::move(term));
  return Status::Ok();
}

bool Analyzer::typo_eligible(const Token& t) const {
  if (t.word.size() < kMinTypoWord || all_digits(t.word)) return false;
  if (lexicon_ == nullptr) return false;
  int cls = lexicon_->word_class(t.word);
  if (cls == 0 && t.word.back() == 's') {
    // "someones", "husbands": a possessive without its apostrophe.
    int base = lexicon_->word_class(std::string_view(t.word).substr(0, t.word.size() - 1));
    if (base != 0 && base < kRareClass) return false;
  }
  return cls == 0 || cls >= kRareClass;
}

bool Analyzer::item_matches(const Item& item, const Token& t, bool typo_ok) const {
  switch (item.kind) {
    case Item::Kind::kExact:
      return t.word == item.word;
    case Item::Kind::kClass:
      return std::find(item.words.begin(), item.words.end(), t.word) != item.words.end();
    case Item::Kind::kAny:
      return true;
    case Item::Kind::kStem:
      if (t.stem == item.stem) return true;
      return typo_ok && item.word.size() >= kMinTypoWord &&
             (within_one_edit(t.stem, item.stem) || within_one_edit(t.word, item.word));
  }
  return false;
}

std::size_t Analyzer::match_length(const Term& term, const Tokens& tokens, std::size_t at,
                                   bool typo_ok) const {
  const auto& toks = tokens.tokens;
  if (at + term.items.size() > toks.size()) return 0;
  if (term.anchored && tokens.sentences[static_cast<std::size_t>(toks[at].sentence)].begin != at) {
    return 0;
  }
  for (std::size_t i = 0; i < term.items.size(); ++i) {
    const Token& t = toks[at + i];
    if (t.sentence != toks[at].sentence) return 0;
    const Item& item = term.items[i];
    if (item_matches(item, t, i == 0 && typo_ok)) continue;
    // A later word may be a typo too; asked only when it did not match as is.
    bool typo = i > 0 && item.kind == Item::Kind::kStem && item.word.size() >= kMinTypoWord &&
                typo_eligible(t);
    if (!typo || !item_matches(item, t, true)) return 0;
  }
  return term.items.size();
}

void Analyzer::spot(const Tokens& tokens, std::vector<Mention>* found) const {
  const auto& toks = tokens.tokens;
  std::vector<ConceptId> best;  // concepts of the longest phrases at this word
  // Matching a word as a possible typo compares it with every phrase of its
  // first letter: the costly part of reading a message. Only the first few
  // such words of a message get it, so that one made of nothing but
  // misspellings costs no more than a real message with a few.
  std::size_t typo_lookups = 0;
  for (std::size_t at = 0; at < toks.size();) {
    const Token& t = toks[at];
    std::size_t best_len = 0;
    best.clear();
    auto consider = [&](const std::vector<std::size_t>* candidates, bool typo_ok) {
      if (candidates == nullptr) return;
      for (std::size_t index : *candidates) {
        std::size_t len = match_length(terms_[index], tokens, at, typo_ok);
        if (len == 0 || len < best_len) continue;
        // The longest phrase wins; a word that means several concepts
        // ("agony": pain, and extreme pain) is a mention of each.
        if (len > best_len) best.clear();
        best_len = len;
        ConceptId c = terms_[index].concept_id;
        if (std::find(best.begin(), best.end(), c) == best.end()) best.push_back(c);
      }
    };
    auto lookup = [](const auto& map, const auto& key) -> const std::vector<std::size_t>* {
      auto it = map.find(key);
      return it == map.end() ? nullptr : &it->second;
    };
    consider(lookup(by_stem_, t.stem), false);
    consider(lookup(by_word_, t.word), false);
    if (best_len == 0 && !t.stem.empty() && typo_lookups < limits::kMaxTypoWordsPerAnalysis &&
        typo_eligible(t)) {
      ++typo_lookups;
      consider(lookup(by_letter_, t.stem[0]), true);
    }
    if (best_len == 0) {
      ++at;
      continue;
    }
    std::sort(best.begin(), best.end());
    for (ConceptId c : best) {
      found->push_back(
          {c, at, at + best_len, t.sentence, t.clause, toks[at + best_len - 1].clause, {}});
    }
    at += best_len;
  }
}

Context Analyzer::context_of(const Tokens& tokens, const std::vector<Mention>& triggers,
                             const std::vector<bool>& person_at, std::size_t begin,
                             std::size_t end) const {
  Context c;
  const auto& toks = tokens.tokens;
  const int sentence = toks[begin].sentence;
  const int clause = toks[begin].clause;
  const auto window = static_cast<std::size_t>(std::max(0, data_.negation_window));
  const Sentence& said = tokens.sentences[static_cast<std::size_t>(sentence)];
  bool historical = false, recent = false;  // recent: in the mention's own clause
  // A hypothetical or condition reaches on to the end of its sentence, or
  // to a "but" ("if it gets worse... but right now he can't breathe").
  const auto reach = static_cast<std::size_t>(std::max(0, data_.context_window));
  // Near enough, on either side, for the sentence-wide contexts.
  auto near = [&](const Mention& t) {
    return (t.end <= begin && begin - t.end <= reach) || (t.begin >= end && t.begin - end <= reach);
  };
  // "Not twitching, they're swelling": a new subject between them.
  auto restarts = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      if (toks[i].new_subject) return true;
    }
    return false;
  };
  // No "but" between the trigger and the mention, on either side.
  auto unbroken = [&](const Mention& t) {
    std::size_t from = std::min(t.end, end), to = std::max(t.begin, begin);
    for (std::size_t i = from; i < to; ++i) {
      if (toks[i].terminator) return false;
    }
    return true;
  };
  // In a telling (not a question), "and then..." starts something new: "I
  // used the compress like the guide says, and then I got chest pain".
  auto reaches = [&](const Mention& t) {
    if (t.end > begin || begin - t.end > reach || !unbroken(t)) return false;
    for (std::size_t i = t.end; i < begin && !said.question; ++i) {
      if (toks[i].joins) return false;
    }
    return true;
  };
  for (const Mention& t : triggers) {
    if (t.sentence != sentence) continue;
    const Concept& k = concepts_[static_cast<std::size_t>(t.concept_id)];
    // "Is that normal?" asks; "as usual" in the story told before it does not.
    if (k.question_only && (!said.question || t.begin < said.question_begin)) continue;
    switch (k.role) {
      case Role::kNegation:
        c.negated = c.negated || (t.clause == clause && t.end <= begin && begin - t.end <= window &&
                                  !restarts(t.end, begin));
        break;
      case Role::kNegationAfter:
        c.negated = c.negated ||
                    (t.clause == toks[end - 1].clause && t.begin >= end && t.begin - end <= window);
        break;
      case Role::kHypothetical:
        c.hypothetical = c.hypothetical || reaches(t);
        break;
      case Role::kConditional:
        c.conditional = c.conditional || reaches(t);
        break;
      case Role::kHypotheticalAfter:
        c.hypothetical = c.hypothetical || (t.begin >= end && t.begin - end <= reach);
        break;
      case Role::kHistorical:
        // "They used to be small but now they're massive" is not past;
        // "it went on for hours, but that was years ago" is.
        historical = historical || (near(t) && (t.begin >= end || unbroken(t)));
        break;
      case Role::kRecent:
        recent = recent || t.clause == clause;
        break;
      case Role::kNonHuman:
        // "The cow caught me and I cracked my head": a person between the
        // animal and the sign.
        if (near(t)) {
          std::size_t from = std::min(t.end, end), to = std::max(t.begin, begin);
          bool person = false;
          for (std::size_t i = from; i < to && !person; ++i) person = person_at[i];
          c.non_human = c.non_human || !person;
        }
        break;
      case Role::kMeaning:
      case Role::kIgnore:
        break;
    }
  }
  c.historical = historical && !recent;
  return c;
}

void Analyzer::read_durations(const Tokens& tokens, std::vector<Duration>* out) const {
  const auto& toks = tokens.tokens;
  const DurationWords& d = data_.durations;
  auto amount_of = [&](std::string_view w, double* v) {
    if (all_digits(w) && w.size() <= 6) {
      *v = std::stod(std::string(w));
      return true;
    }
    auto it = d.amounts.find(std::string(w));
    if (it == d.amounts.end()) return false;
    *v = it->second;
    return true;
  };
  // The longest phrase of `map` (words joined by spaces) starting at `at`.
  auto phrase_at = [&](const DurationWords::Table& map, std::size_t at,
                       std::size_t* len) -> const double* {
    const double* best = nullptr;
    if (&map == &d.phrases && !duration_starts_.count(toks[at].word)) return nullptr;
    std::string key;
    for (std::size_t n = 0; at + n < toks.size() && n < 4; ++n) {
      if (toks[at + n].sentence != toks[at].sentence) break;
      key += (n ? " " : "") + toks[at + n].word;
      auto it = map.find(key);
      if (it != map.end()) {
        best = &it->second;
        *len = n + 1;
      }
    }
    return best;
  };
  // The amount of a unit at toks[i], with the number of words it takes
  // before the unit: "3 hours", "three hours", "a couple of hours", "half
  // an hour", "an hour"; a plural alone ("for hours") is a few. 0 when the
  // word is not an amount of time ("a long day", "every day", "twice a day").
  auto amount_before = [&](const std::vector<Token>& ts, std::size_t i, std::size_t* used) {
    *used = 0;
    const int sentence = ts[i].sentence;
    auto word = [&](std::size_t back) -> std::string_view {
      return i >= back && ts[i - back].sentence == sentence ? std::string_view(ts[i - back].word)
                                                            : std::string_view();
    };
    double v = 0;
    std::string_view w1 = word(1), w2 = word(2), w3 = word(3);
    if (amount_of(w1, &v) && v > 0) {
      *used = 1;
      if (w2 == "a" && (w3 == "couple" || w3 == "few")) *used = 2;  // "a few hours" read as "few"
      return v;
    }
    if (w1 == "of" && amount_of(w2, &v)) {  // "a couple of hours"
      *used = (w3 == "a") ? 3 : 2;
      return v;
    }
    if (w1 == "a" || w1 == "an") {
      // "twice a day", "3 times a day", "ten minutes a day": how often, not
      // how long.
      bool rate = i >= 2 && unit_stems_.count(ts[i - 2].stem) > 0;
      if (rate || w2 == "times" || w2 == "twice" || w2 == "once" || w2 == "time" ||
          amount_of(w2, &v)) {
        return w2 == "half" ? (*used = 2, 0.5) : 0.0;
      }
      *used = 1;
      return 1.0;
    }
    const Token& t = ts[i];
    bool plural = t.word.size() > t.stem.size() && t.word.back() == 's';
    // "Hours." as a whole answer starts its sentence: a duration too.
    bool lead =
        std::find(d.plural_leads.begin(), d.plural_leads.end(), w1) != d.plural_leads.end() ||
        ts[i].sentence != (i > 0 ? ts[i - 1].sentence : -1);
    return plural && lead ? d.unspecified_amount : 0.0;
  };
  auto add = [&](double minutes, std::size_t begin, std::size_t end) {
    out->push_back({minutes, begin, end, toks[begin].sentence, toks[begin].clause, {}});
  };
  for (std::size_t i = 0; i < toks.size(); ++i) {
    std::size_t len = 0;
    if (const double* m = phrase_at(d.phrases, i, &len)) {
      add(*m, i, i + len);
      i += len - 1;
      continue;
    }
    if (toks[i].word == "since" && i + 1 < toks.size()) {
      if (const double* m = phrase_at(d.since, i + 1, &len)) {
        add(*m, i, i + 1 + len);
        i += len;
        continue;
      }
      // "since 8am", "since my 7 o'clock visit": a clock time, so it began
      // today; how long ago is unknown, taken as an hour.
      for (std::size_t j = i + 1; j < toks.size() && j < i + 4; ++j) {
        if (toks[j].sentence != toks[i].sentence) break;
        if (clock_time(toks[j].word)) {
          add(d.since_clock, i, j + 1);
          i = j;
          break;
        }
      }
      continue;
    }
    if (std::find(d.span_leads.begin(), d.span_leads.end(), toks[i].word) != d.span_leads.end()) {
      // "all night", "the whole afternoon", "most of the day"
      std::size_t j = i + 1;
      while (j < toks.size() && j < i + 4 &&
             (toks[j].word == "of" || toks[j].word == "the" || toks[j].word == "this" ||
              toks[j].word == "that")) {
        ++j;
      }
      if (j < toks.size() && toks[j].sentence == toks[i].sentence) {
        // Singular only: "all day" is a span, "most days" how often.
        auto it = d.spans.find(toks[j].word);
        if (it != d.spans.end()) {
          add(it->second, i, j + 1);
          i = j;
          continue;
        }
      }
    }
    auto unit = unit_stems_.find(toks[i].stem);
    if (unit == unit_stems_.end()) continue;
    // "a 16-year-old", "a 12 hour shift", "60 hour weeks": not a duration.
    if (i + 1 < toks.size() && toks[i + 1].sentence == toks[i].sentence &&
        std::find(d.compounds.begin(), d.compounds.end(), toks[i + 1].word) != d.compounds.end()) {
      continue;
    }
    if (const double amount = amount_before(toks, i, &len); amount > 0) {
      // "day 2 day", "week 2 week": texting for "day to day".
      if (i > len && toks[i - len - 1].stem == toks[i].stem) continue;
      // "every two hours", "each few days": how often, not how long.
      if (i > len && (toks[i - len - 1].word == "every" || toks[i - len - 1].word == "each")) {
        continue;
      }
      add(amount * unit->second, i - len, i + 1);
    }
  }
}

// "My neighbour's spasms were so strong her face pulled over. Mine is just a
// twitch": what the sentences about someone else say is theirs, when the
// writer sets their own against it. Only with that contrast: "my neighbour
// can't breathe" is an emergency.
void Analyzer::mark_others_stories(Analysis* a) const {
  auto in = [&](ConceptId id, int sentence) {
    return id != kNoConcept &&
           std::any_of(a->mentions.begin(), a->mentions.end(), [&](const Mention& m) {
             return m.concept_id == id && (sentence < 0 || m.sentence == sentence);
           });
  };
  if (!in(contrast_, -1)) return;
  // The first clause of `id` in sentence `s`, or -1.
  auto clause_of = [&](ConceptId id, int s) {
    for (const auto& m : a->mentions) {
      if (m.concept_id == id && m.sentence == s) return m.clause;
    }
    return -1;
  };
  for (int s = 0; s < static_cast<int>(a->tokens.sentences.size()); ++s) {
    int from = clause_of(third_party_, s);
    if (from < 0) continue;
    // "My friend's were painful, mine are just a flicker": in one sentence,
    // theirs runs from the other person up to the writer's own.
    int to = clause_of(contrast_, s);
    if (to >= 0 && to <= from) continue;
    auto theirs = [&](int sentence, int clause) {
      return sentence == s && (to < 0 || (clause >= from && clause < to));
    };
    for (auto& m : a->mentions) {
      if (theirs(m.sentence, m.clause)) m.context.non_human = true;
    }
    for (auto& d : a->durations) {
      if (theirs(d.sentence, d.clause)) d.context.non_human = true;
    }
  }
}

bool Analyzer::foreign_language(const Tokens& tokens) const {
  if (lexicon_ == nullptr) return false;
  std::size_t words = 0, english = 0;
  for (const Token& t : tokens.tokens) {
    if (all_digits(t.word)) continue;
    ++words;
    if (lexicon_->word_class(t.word) != 0) ++english;
  }
  return words >= kMinForeignWords && english * 2 < words;
}

Analysis Analyzer::analyze(std::string_view text) const {
  return analyze(tokenize(text::truncate_utf8(text, limits::kMaxSayBytes), data_.grammar,
                          limits::kMaxAnalysedWords));
}

Analysis Analyzer::analyze(Tokens tokens) const {
  Analysis a;
  a.tokens = std::move(tokens);
  std::vector<Mention> found;
  spot(a.tokens, &found);
  for (auto& m : found) {
    Role role = concepts_[static_cast<std::size_t>(m.concept_id)].role;
    if (role == Role::kMeaning) {
      a.mentions.push_back(m);
    } else if (role != Role::kIgnore) {
      a.triggers.push_back(m);
    }
  }
  std::vector<bool> person_at(a.tokens.tokens.size(), false);
  for (const auto& m : a.mentions) {
    if (m.concept_id != self_) continue;
    for (std::size_t i = m.begin; i < m.end; ++i) person_at[i] = true;
  }
  for (auto& m : a.mentions)
    m.context = context_of(a.tokens, a.triggers, person_at, m.begin, m.end);
  read_durations(a.tokens, &a.durations);
  for (auto& d : a.durations) {
    d.context = context_of(a.tokens, a.triggers, person_at, d.begin, d.end);
  }
  mark_others_stories(&a);
  return a;
}

std::string Analyzer::explain(const Analysis& a) const {
  std::string out;
  const auto& toks = a.tokens.tokens;
  auto span = [&](std::size_t b, std::size_t e) {
    std::string s;
    for (std::size_t i = b; i < e; ++i) s += (i > b ? " " : "") + toks[i].word;
    return s;
  };
  for (std::size_t s = 0; s < a.tokens.sentences.size(); ++s) {
    const Sentence& sen = a.tokens.sentences[s];
    out += "sentence " + std::to_string(s + 1) + (sen.question ? " (question)" : "") + ": ";
    int clause = sen.begin < toks.size() ? toks[sen.begin].clause : 0;
    for (std::size_t i = sen.begin; i < sen.end; ++i) {
      if (toks[i].clause != clause) {
        out += "| ";
        clause = toks[i].clause;
      }
      out += toks[i].word + " ";
    }
    out += "\n";
  }
  for (const auto& t : a.triggers) {
    out += "  context " +
           std::string(role_name(concepts_[static_cast<std::size_t>(t.concept_id)].role)) + ": \"" +
           span(t.begin, t.end) + "\" (" + name(t.concept_id) + ")\n";
  }
  for (const auto& m : a.mentions) {
    out += "  concept " + name(m.concept_id) + ": \"" + span(m.begin, m.end) + "\"" +
           flag_text(m.context) + "\n";
  }
  for (const auto& d : a.durations) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.0f min", d.minutes);
    out += "  duration " + std::string(buf) + ": \"" + span(d.begin, d.end) + "\"" +
           flag_text(d.context) + "\n";
  }
  return out;
}

}  // namespace guidechat::language
