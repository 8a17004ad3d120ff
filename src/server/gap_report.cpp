#include "server/gap_report.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <fstream>
#include <sstream>
#include <system_error>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "common/text.hpp"
#include "protocol/codec.hpp"

namespace guidechat::server {

namespace {

constexpr const char* kFormat = "guidechat-gaps";
constexpr int kVersion = 1;
constexpr std::size_t kMinWordChars = 3;
constexpr std::size_t kMaxWordChars = 30;

// Words that never say what a question is about. The knowledge base's
// everyday-words list (when present) is used as well.
const std::unordered_set<std::string>& stop_words() {
  static const std::unordered_set<std::string> kWords = {
      "about",   "above",    "after",     "again",    "against", "all",      "also",      "always",
      "among",   "and",      "another",   "any",      "anyone",  "anything", "are",       "around",
      "ask",     "asking",   "away",      "bad",      "because", "been",     "before",    "being",
      "best",    "better",   "between",   "both",     "but",     "can",      "cannot",    "can't",
      "could",   "couldn't", "dad",       "daughter", "day",     "days",     "did",       "didn't",
      "does",    "doesn't",  "doing",     "done",     "don't",   "down",     "during",    "each",
      "either",  "else",     "even",      "ever",     "every",   "few",      "for",       "from",
      "get",     "gets",     "getting",   "give",     "going",   "good",     "got",       "had",
      "has",     "have",     "having",    "hello",    "help",    "her",      "here",      "hers",
      "herself", "him",      "himself",   "his",      "how",     "husband",  "i'm",       "i've",
      "into",    "isn't",    "it's",      "its",      "itself",  "just",     "keep",      "kind",
      "know",    "last",     "less",      "let",      "like",    "little",   "long",      "lot",
      "lots",    "made",     "make",      "many",     "may",     "maybe",    "mom",       "more",
      "most",    "much",     "mum",       "must",     "myself",  "need",     "needs",     "never",
      "new",     "nothing",  "now",       "off",      "okay",    "once",     "one",       "only",
      "other",   "our",      "ours",      "out",      "over",    "own",      "partner",   "people",
      "person",  "please",   "quite",     "rather",   "really",  "right",    "said",      "same",
      "say",     "see",      "seem",      "seems",    "she",     "should",   "shouldn't", "since",
      "some",    "someone",  "something", "son",      "still",   "such",     "sure",      "take",
      "tell",    "than",     "thank",     "thanks",   "that",    "that's",   "the",       "their",
      "theirs",  "them",     "then",      "there",    "these",   "they",     "thing",     "things",
      "think",   "this",     "those",     "though",   "through", "time",     "times",     "too",
      "try",     "under",    "until",     "use",      "used",    "using",    "very",      "want",
      "wants",   "was",      "wasn't",    "way",      "well",    "were",     "what",      "what's",
      "when",    "where",    "whether",   "which",    "while",   "who",      "whom",      "why",
      "wife",    "will",     "with",      "without",  "won't",   "would",    "wouldn't",  "yes",
      "yet",     "you",      "your",      "yours",    "yourself"};
  return kWords;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A word and its plain English inflections, so that "spasms", "twitching"
// and "muscles" count as words the guide uses when it says "spasm",
// "twitch", "muscle". Both sides go through this, which is why it may
// produce a few non-words: they only ever meet each other.
std::vector<std::string> variants(std::string_view w) {
  std::vector<std::string> out{std::string(w)};
  auto cut = [&](std::size_t n, std::string_view add = {}) {
    if (w.size() > n + 2) out.push_back(std::string(w.substr(0, w.size() - n)) + std::string(add));
  };
  if (ends_with(w, "'s")) cut(2);
  if (ends_with(w, "s")) cut(1);
  if (ends_with(w, "es")) cut(2);
  if (ends_with(w, "ies")) cut(3, "y");
  if (ends_with(w, "ied")) cut(3, "y");
  if (ends_with(w, "ed")) {
    cut(2);
    cut(1);
  }
  if (ends_with(w, "ing")) {
    cut(3);
    cut(3, "e");
  }
  if (ends_with(w, "ly")) cut(2);
  return out;
}

bool has_digit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// An e-mail or web address, or any chunk with a digit (phone numbers,
// dates, ages, record numbers): dropped whole before words are split.
bool identifying_chunk(std::string_view chunk) {
  return has_digit(chunk) || chunk.find('@') != std::string_view::npos ||
         chunk.find("://") != std::string_view::npos ||
         chunk.find("www.") != std::string_view::npos;
}

// "Anna" or "Leeds" inside a sentence: probably a name or a place.
bool capitalised(std::string_view chunk) {
  std::size_t i = 0;
  while (i < chunk.size() && !std::isalpha(static_cast<unsigned char>(chunk[i]))) ++i;
  if (i >= chunk.size() || !std::isupper(static_cast<unsigned char>(chunk[i]))) return false;
  // All capitals (MRI, TMJ) are abbreviations, not names.
  return std::any_of(chunk.begin() + static_cast<std::ptrdiff_t>(i), chunk.end(),
                     [](unsigned char c) { return std::islower(c); });
}

bool ends_sentence(std::string_view chunk) {
  while (!chunk.empty() && (chunk.back() == '"' || chunk.back() == ')' || chunk.back() == '\''))
    chunk.remove_suffix(1);
  return !chunk.empty() && (chunk.back() == '.' || chunk.back() == '!' || chunk.back() == '?');
}

std::string today_utc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace

struct GapReport::Vocabulary {
  std::shared_ptr<const knowledge::KnowledgeBase> kb;  // keeps the lexicon alive
  std::unordered_set<std::string> known;               // guide words and their variants

  explicit Vocabulary(std::shared_ptr<const knowledge::KnowledgeBase> k) : kb(std::move(k)) {
    auto add_text = [&](std::string_view text) {
      for (const auto& w : text::words(text))
        for (auto& v : variants(w)) known.insert(std::move(v));
    };
    for (const auto* section : kb->sections()) {
      add_text(section->title);
      for (const auto& passage : section->passages) add_text(passage.text);
    }
    for (const auto& g : kb->guides()) add_text(g.title);
    // Words the synonyms map to the guide's words are covered too.
    for (const auto& w : kb->synonyms().single_words()) add_text(w);
  }

  bool is_known(std::string_view w) const {
    for (const auto& v : variants(w))
      if (known.count(v)) return true;
    return false;
  }
};

// --- GapTotals -------------------------------------------------------------

Result<GapTotals> GapTotals::read(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error{file.string() + ": cannot open"};
  std::stringstream buf;
  buf << in.rdbuf();
  GapTotals t;
  try {
    auto j = nlohmann::json::parse(buf.str());
    if (!j.is_object() || j.value("format", "") != kFormat)
      return Error{file.string() + ": not a guidechat gap report"};
    if (j.value("version", 0) != kVersion)
      return Error{file.string() + ": unsupported gap report version"};
    t.since = j.at("since").get<std::string>();
    t.fallbacks = j.at("fallbacks").get<std::uint64_t>();
    for (const auto& [words, count] : j.at("groups").items())
      t.groups[words] = count.get<std::uint64_t>();
  } catch (const nlohmann::json::exception& e) {
    return Error{file.string() + ": malformed gap report (" + e.what() + ")"};
  }
  return t;
}

void GapTotals::merge(const GapTotals& other) {
  if (since.empty() || (!other.since.empty() && other.since < since)) since = other.since;
  fallbacks += other.fallbacks;
  for (const auto& [words, count] : other.groups) groups[words] += count;
}

std::vector<std::pair<std::string, std::uint64_t>> GapTotals::top(std::size_t n,
                                                                  std::uint64_t min_count) const {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (const auto& g : groups)
    if (g.second >= min_count) out.push_back(g);
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (out.size() > n) out.resize(n);
  return out;
}

// --- GapReport -------------------------------------------------------------

GapReport::GapReport(std::filesystem::path file, Options options)
    : file_(std::move(file)), options_(options), last_flush_(std::chrono::steady_clock::now()) {}

GapReport::~GapReport() {
  std::lock_guard lock(mu_);
  if (dirty_) (void)flush_locked();
}

Result<std::unique_ptr<GapReport>> GapReport::open(
    const std::filesystem::path& file, std::shared_ptr<const knowledge::KnowledgeBase> kb,
    Options options) {
  if (!kb) return Error{"gap report: no knowledge base"};
  std::unique_ptr<GapReport> report(new GapReport(file, options));
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) {
    auto existing = GapTotals::read(file);
    if (!existing.ok()) return Error{existing.error()};
    report->totals_ = std::move(existing.value());
  } else {
    report->totals_.since = today_utc();
  }
  report->vocabulary_ = std::make_shared<const Vocabulary>(std::move(kb));
  Status written = report->flush();
  if (!written.ok()) return Error{written.error()};
  return report;
}

void GapReport::set_knowledge(std::shared_ptr<const knowledge::KnowledgeBase> kb) {
  if (!kb) return;
  auto v = std::make_shared<const Vocabulary>(std::move(kb));
  std::lock_guard lock(mu_);
  vocabulary_ = std::move(v);
}

std::shared_ptr<const GapReport::Vocabulary> GapReport::vocabulary() const {
  std::lock_guard lock(mu_);
  return vocabulary_;
}

std::vector<std::string> GapReport::key_words(std::string_view question) const {
  auto vocab = vocabulary();
  const auto& lexicon = vocab->kb->lexicon();
  question = text::truncate_utf8(question, limits::kMaxQueryChars);

  std::vector<std::string> found;
  bool sentence_start = true;
  std::size_t i = 0;
  while (i < question.size()) {
    while (i < question.size() && std::isspace(static_cast<unsigned char>(question[i]))) ++i;
    std::size_t j = i;
    while (j < question.size() && !std::isspace(static_cast<unsigned char>(question[j]))) ++j;
    std::string_view chunk = question.substr(i, j - i);
    i = j;
    if (chunk.empty()) break;
    bool keep = !identifying_chunk(chunk) && !(capitalised(chunk) && !sentence_start);
    sentence_start = ends_sentence(chunk);
    if (!keep) continue;
    for (auto& w : text::words(chunk)) {
      if (w.size() < kMinWordChars || w.size() > kMaxWordChars) continue;
      if (stop_words().count(w) || lexicon.everyday(w) || vocab->is_known(w)) continue;
      if (std::find(found.begin(), found.end(), w) == found.end()) found.push_back(std::move(w));
    }
  }
  // The rarest words say most about the topic; unknown words count as rare.
  auto rarity = [&](const std::string& w) {
    int c = lexicon.word_class(w);
    return c == 0 ? 100 : c;
  };
  std::stable_sort(found.begin(), found.end(), [&](const std::string& a, const std::string& b) {
    return rarity(a) > rarity(b);
  });
  if (found.size() > limits::kGapMaxKeyWords) found.resize(limits::kGapMaxKeyWords);
  std::sort(found.begin(), found.end());
  return found;
}

void GapReport::record(std::string_view question) {
  auto words = key_words(question);
  std::string key;
  for (const auto& w : words) {
    if (!key.empty()) key += ' ';
    key += w;
  }
  std::lock_guard lock(mu_);
  ++totals_.fallbacks;
  auto it = totals_.groups.find(key);
  if (it != totals_.groups.end()) {
    ++it->second;
  } else {
    if (totals_.groups.size() >= limits::kGapMaxGroups) {
      // Make room by forgetting groups seen once; if none, count only the total.
      std::erase_if(totals_.groups, [](const auto& g) { return g.second <= 1; });
    }
    if (totals_.groups.size() < limits::kGapMaxGroups) totals_.groups.emplace(std::move(key), 1);
  }
  dirty_ = true;
  auto now = std::chrono::steady_clock::now();
  if (now - last_flush_ >= options_.flush_interval) (void)flush_locked();
}

void GapReport::record_frame(std::string_view client_frame) {
  auto parsed = protocol::parse_client(client_frame);
  if (parsed.message && parsed.message->type == protocol::ClientType::kSay)
    record(parsed.message->text);
}

Status GapReport::flush() {
  std::lock_guard lock(mu_);
  return flush_locked();
}

GapTotals GapReport::totals() const {
  std::lock_guard lock(mu_);
  GapTotals t = totals_;
  std::erase_if(t.groups, [&](const auto& g) { return g.second < options_.min_count; });
  return t;
}

Status GapReport::flush_locked() {
  last_flush_ = std::chrono::steady_clock::now();
  nlohmann::json groups = nlohmann::json::object();
  for (const auto& [words, count] : totals_.groups)
    if (count >= options_.min_count) groups[words] = count;
  nlohmann::json j = {{"format", kFormat},
                      {"version", kVersion},
                      {"since", totals_.since},
                      {"fallbacks", totals_.fallbacks},
                      {"groups", std::move(groups)}};
  auto tmp = file_;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << j.dump(1) << '\n';
    out.flush();
    if (!out) return Status::Fail(tmp.string() + ": cannot write the gap report");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file_, ec);
  if (ec)
    return Status::Fail(file_.string() + ": cannot write the gap report (" + ec.message() + ")");
  dirty_ = false;
  return Status::Ok();
}

}  // namespace guidechat::server
