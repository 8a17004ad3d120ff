#include "knowledge/query_builder.hpp"

#include <algorithm>
#include <cmath>

#include "common/limits.hpp"
#include "common/text.hpp"

namespace guidechat::knowledge {

std::string fts5_quote(std::string_view term) {
  // Control characters and broken UTF-8 make FTS5 refuse even a quoted
  // string; they carry no words, so they go.
  bool utf8 = text::valid_utf8(term);
  std::string out = "\"";
  for (char c : term) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F || (!utf8 && u >= 0x80)) continue;
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string build_match(const std::vector<std::string>& terms) {
  std::string out;
  for (const auto& t : terms) {
    if (!out.empty()) out += " OR ";
    out += fts5_quote(t);
  }
  return out;
}

namespace {
// The least a word found anywhere counts, so that it still counts a little.
constexpr double kMinIdf = 0.05;
}  // namespace

double Vocabulary::idf_of(int docs) const {
  // Robertson's idf, as bm25 uses it: a word in most passages tells nothing
  // (floored so that it still counts a little).
  double n = static_cast<double>(passages);
  double d = std::max(1, docs);
  return std::max(kMinIdf, std::log((n - d + 0.5) / (d + 0.5)));
}

bool Vocabulary::find(std::string_view stem, StemId* id) const {
  auto it = stems.find(stem);
  if (it == stems.end()) return false;
  *id = it->second;
  return true;
}

double QueryBuilder::weight_of_class(int word_class) {
  if (word_class == 0) return 1.0;  // not an everyday English word: rare or a term
  if (word_class <= 10) return 0.4;
  if (word_class <= 20) return 0.6;
  if (word_class <= 35) return 0.8;
  if (word_class <= 40) return 0.9;
  return 1.0;
}

namespace {

// "dad's" -> "dad", "don't" -> "dont": the index's tokenizer splits at
// apostrophes, so the searched word must not hold one.
std::string strip_apostrophes(std::string_view w) {
  if (w.ends_with("'s")) w.remove_suffix(2);
  std::string out;
  for (char c : w) {
    if (c != '\'') out.push_back(c);
  }
  return out;
}

struct Term {
  std::string text;
  int docs = 0;       // passages holding it (at most)
  bool core = false;  // names a guide's subject: every passage is about it
};

// Terms found in a large share of a big index ("facial" in a library of
// facial-spasm guides) add little to bm25 but make FTS5 score every passage
// that holds them; they stay out of MATCH (coverage still counts them),
// unless nothing else is left to search for.
constexpr double kBroadShare = 0.05;
constexpr int kBroadMinPassages = 200;

std::vector<std::string> narrow_terms(const std::vector<Term>& terms, int passages, bool keep_one,
                                      bool* broad = nullptr) {
  const double limit =
      std::max(kBroadShare * static_cast<double>(passages), double{kBroadMinPassages});
  std::vector<std::string> out;
  const Term* rarest = nullptr;
  // A guide's subject ("plantar fasciitis" in its guide) would let FTS5
  // prefer the few passages that spell it out over the one that answers:
  // it is searched for only when nothing else is.
  const bool other = std::any_of(terms.begin(), terms.end(), [](const Term& t) { return !t.core; });
  for (const auto& t : terms) {
    if (t.docs <= limit && !(other && t.core)) out.push_back(t.text);
    if (rarest == nullptr || t.docs < rarest->docs) rarest = &t;
  }
  if (out.empty() && keep_one && rarest != nullptr) {
    out.push_back(rarest->text);
    if (broad) *broad = true;
  }
  return out;
}

// A synonym found counts this much of the word itself found.
constexpr double kSynonymCredit = 0.5;

bool all_digits(std::string_view w) {
  return std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Product-wide lay words (lang/lay-synonyms.txt), for a word the guide
// lacks: a synonym found earns this much of the word's idf, a broader word
// ("espresso": coffee) less; at most kMaxLayForms of them are searched. A
// word known only this way weighs kLayWeight of its own weight, found or
// not (these are less sure than a guide's own synonyms). Words of the
// commonest class (SCOWL 10: "weather", "affect") have the most senses and
// get none. (Chosen on the tuning halves: credits 0.5-1, weights 0.3-0.7 and
// 2-8 forms all score within a question of each other; without the broader
// words tinnitus lost 2 of 128, batch 2 lost 2 of 147; the commonest words'
// lay words cost two out-of-scope refusals.)
constexpr double kLayCredit = 0.7;
constexpr double kBroaderCredit = 0.5;
constexpr std::size_t kMaxLayForms = 4;
constexpr double kLayWeight = 0.5;
constexpr int kLayMinClass = 20;

}  // namespace

QueryBuilder::LayForms QueryBuilder::lay_forms(std::string_view phrase, const StemFn& stem) const {
  LayForms out;
  language::LayAlternatives alts;
  if (!lexicon_->lay_words().lookup(phrase, &alts)) return out;
  auto add = [&](const std::vector<std::string>& list) {
    for (const auto& alt : list) {
      if (out.forms.size() >= kMaxLayForms) return;
      bool all = true;
      text::for_each_word(alt, [&](std::string_view w) {
        StemId id;
        all = all && !lexicon_->everyday(w) && vocabulary_->find(stem(w), &id);
      });
      if (all) out.forms.push_back(alt);
    }
  };
  add(alts.synonyms);
  out.synonyms = out.forms.size();
  add(alts.broader);
  return out;
}

Analysis QueryBuilder::analyze(std::string_view question, const StemFn& stem) const {
  Analysis out;
  std::vector<std::string> typed =
      text::words(text::truncate_utf8(question, limits::kMaxQueryChars));
  std::vector<std::string> words;
  for (auto& w : typed) {
    if (words.size() >= limits::kMaxQueryTerms) break;
    words.push_back(std::move(w));
  }
  // Each word of the question is stemmed and looked up once, however often
  // it is asked about below (stem() is a call through std::function and a
  // hash lookup each time).
  struct Stemmed {
    std::string word;  // without apostrophes
    bool empty;        // its stem is empty
    bool found;        // the index holds its stem
    StemId id;
  };
  auto stem_of = [&](std::string plain) {
    std::string st = stem(plain);
    Stemmed s{std::move(plain), st.empty(), false, 0};
    s.found = vocabulary_->find(st, &s.id);
    return s;
  };
  std::vector<Stemmed> stemmed;  // stemmed[i] is words[i]'s
  stemmed.reserve(words.size());
  for (const auto& w : words) {
    stemmed.push_back(stem_of(strip_apostrophes(w)));
    if (stemmed.back().found) out.all_stems.push_back(stemmed.back().id);
  }
  // Whether the index holds `plain`'s stem (most often words[i]'s own, found
  // above); other words (synonyms, corrections) are stemmed afresh: a search
  // of stemmed for them cost more than it saved in long messages.
  auto known = [&](std::string plain, std::size_t i, StemId* id) {
    if (stemmed[i].word == plain) {
      *id = stemmed[i].id;
      return stemmed[i].found;
    }
    return vocabulary_->find(stem(plain), id);
  };
  std::sort(out.all_stems.begin(), out.all_stems.end());
  out.all_stems.erase(std::unique(out.all_stems.begin(), out.all_stems.end()), out.all_stems.end());
  std::vector<Term> terms, synonym_terms;

  for (std::size_t i = 0; i < words.size();) {
    // Synonym phrases first ("muscle relaxers"), longest match.
    const std::vector<std::string>* alts = nullptr;
    std::size_t n = synonyms_->match(words, i, &alts);
    // Product-wide lay words, for what the guide does not say: a two-word
    // phrase ("chill out") or, below, a single word.
    LayForms lay;
    if (n == 0 && i + 1 < words.size() && lexicon_->lay_words().starts_phrase(words[i]) &&
        !(stemmed[i].found && stemmed[i + 1].found)) {
      lay = lay_forms(words[i] + " " + words[i + 1], stem);
      if (!lay.forms.empty()) n = 2;
    }
    QueryWord qw;
    int cls_of_word = -1;  // lexicon class of qw.word, once looked up
    if (n > 0) {
      for (std::size_t k = 0; k < n; ++k) qw.typed += (k ? " " : "") + words[i + k];
      qw.word = qw.typed;
    } else {
      const std::string& w = words[i];
      qw.typed = w;
      if (lexicon_->everyday(w) || w.size() < 2 || all_digits(w)) {
        ++i;
        continue;
      }
      std::string plain = strip_apostrophes(w);
      if (plain.size() < 2 || lexicon_->everyday(plain)) {
        ++i;
        continue;
      }
      qw.word = plain;
      int cls = lexicon_->word_class(plain);
      cls_of_word = cls;
      bool in_guide = !stemmed[i].empty && stemmed[i].found;  // plain is words[i] stripped
      // A word nobody would mean as typed (not English, or very rare) and not
      // in the guide is taken as a typo of the closest known word.
      // Correcting is the costly part of a question (a scan of the words of
      // similar length): only the first few such words of a question get
      // it, so a message made of nothing but misspellings costs no more
      // than a real question with a few.
      if (!in_guide && (cls == 0 || cls >= kLayMinClass)) lay = lay_forms(plain, stem);
      if (!in_guide && lay.forms.empty() && (cls == 0 || cls >= 50) &&
          out.corrections < limits::kMaxCorrectionsPerQuery) {
        ++out.corrections;
        std::string fixed = vocabulary_->speller.correct(plain, cls == 0 ? 2 : 1);
        if (!fixed.empty()) {
          if (lexicon_->everyday(fixed)) {  // "wen" -> "when", "shud" -> "should"
            ++i;
            continue;
          }
          qw.word = fixed;
          cls_of_word = -1;
          std::vector<std::string> one{fixed};
          const std::vector<std::string>* fixed_alts = nullptr;
          if (synonyms_->match(one, 0, &fixed_alts) == 1) alts = fixed_alts;
        }
      }
    }
    std::size_t consumed = n > 0 ? n : 1;
    qw.weight = weight_of_class(cls_of_word >= 0 ? cls_of_word : lexicon_->word_class(qw.word));
    // The forms searched: the word itself, then its synonyms.
    std::vector<std::string> candidates{qw.word};
    if (alts) candidates.insert(candidates.end(), alts->begin(), alts->end());
    // What each candidate earns of the word's idf when found (lay words less).
    std::vector<double> credit(candidates.size(), 1.0);
    for (std::size_t k = 0; k < lay.forms.size(); ++k) {
      candidates.push_back(lay.forms[k]);
      credit.push_back(k < lay.synonyms ? kLayCredit : kBroaderCredit);
    }
    std::vector<double> form_credit;
    if (n > 1) {
      // A synonym phrase's weight: its heaviest word.
      double w = 0;
      for (std::size_t k = 0; k < n; ++k) {
        w = std::max(w, weight_of_class(lexicon_->word_class(words[i + k])));
      }
      qw.weight = w;
    }
    for (std::size_t c = 0; c < candidates.size(); ++c) {
      const std::string& form = candidates[c];
      std::vector<StemId> form_stems;
      bool all_known = true;
      for (const auto& part : text::words(form)) {
        StemId id;
        if (known(strip_apostrophes(part), i, &id)) {
          form_stems.push_back(id);
        } else {
          all_known = false;
        }
      }
      if (!all_known || form_stems.empty()) continue;
      if (std::find(qw.forms.begin(), qw.forms.end(), form) != qw.forms.end()) continue;
      qw.forms.push_back(form);
      qw.form_stems.push_back(std::move(form_stems));
      form_credit.push_back(credit[c]);
    }
    qw.known = !qw.forms.empty();
    // A word known only through product-wide lay words is less sure to be
    // what the guide means: it weighs less, found or not.
    qw.lay = qw.known && form_credit.front() < 1.0;
    qw.broader = qw.known && form_credit.front() == kBroaderCredit;
    if (qw.lay) qw.weight *= kLayWeight;
    // The words said (or, for a word the guide lacks, its synonyms) go to the
    // main query; synonyms of a word the guide has go to the second one, so
    // that a rare synonym cannot outweigh what the person actually said.
    for (std::size_t f = 0; f < qw.forms.size(); ++f) {
      bool said = qw.forms.front() != qw.word || f == 0;
      auto& list = said ? terms : synonym_terms;
      int docs = vocabulary_->passages;  // a phrase is in at most as many as its rarest word
      bool core = !qw.form_stems[f].empty();
      for (StemId id : qw.form_stems[f]) {
        if (id < vocabulary_->docs.size()) docs = std::min(docs, vocabulary_->docs[id]);
        core = core && id < vocabulary_->core.size() && vocabulary_->core[id];
      }
      if (std::find_if(list.begin(), list.end(),
                       [&](const Term& t) { return t.text == qw.forms[f]; }) == list.end()) {
        list.push_back({qw.forms[f], docs, core});
      }
    }
    for (const auto& fs : qw.form_stems) {
      if (qw.forms.front() == qw.word) {  // the word itself, for plain overlap
        out.all_stems.insert(out.all_stems.end(), fs.begin(), fs.end());
        break;
      }
    }
    if (qw.known) {
      // How well the word tells passages apart is that of its meaning: the
      // idf of the passages holding any of its forms ("twitching" says
      // little in a guide where "spasms" is everywhere). A phrase is in at
      // most as many passages as its rarest word.
      int docs = 0;
      for (const auto& form : qw.form_stems) {
        int form_docs = vocabulary_->passages;
        for (StemId id : form) {
          if (id < vocabulary_->docs.size()) form_docs = std::min(form_docs, vocabulary_->docs[id]);
        }
        docs = std::max(docs, form_docs);
      }
      qw.idf = vocabulary_->idf_of(docs);
      // Finding the word itself earns its idf; a synonym of a word the
      // person said earns less ("symptoms" is better found as "symptoms"
      // than as "signs"); for a word the guide lacks ("physio") its
      // synonyms earn it all.
      bool own = qw.forms.front() == qw.word;
      for (std::size_t f = 0; f < qw.form_stems.size(); ++f) {
        qw.form_idf.push_back(form_credit[f] * (own && f > 0 ? kSynonymCredit * qw.idf : qw.idf));
      }
      // Only the word itself, not a synonym, names a guide's subject.
      if (own) {
        for (StemId id : qw.form_stems.front()) {
          if (id < vocabulary_->core.size() && vocabulary_->core[id]) qw.core = true;
        }
      }
    }
    // The same topic twice ("eye ... eyes") counts once; a word said beats
    // a lay word's stand-in for it ("doc" read as doctor ... "doctors").
    bool duplicate = false;
    for (auto& prev : out.words) {
      if (!prev.form_stems.empty() && !qw.form_stems.empty() &&
          prev.form_stems.front() == qw.form_stems.front()) {
        if (prev.lay && !qw.lay) prev = qw;
        duplicate = true;
      }
      if (!qw.known && !prev.known && prev.word == qw.word) duplicate = true;
    }
    if (!duplicate) out.words.push_back(std::move(qw));
    i += consumed;
  }
  out.match = build_match(narrow_terms(terms, vocabulary_->passages, true, &out.broad));
  out.synonym_match = build_match(narrow_terms(synonym_terms, vocabulary_->passages, false));
  std::sort(out.all_stems.begin(), out.all_stems.end());
  out.all_stems.erase(std::unique(out.all_stems.begin(), out.all_stems.end()), out.all_stems.end());
  return out;
}

}  // namespace guidechat::knowledge
