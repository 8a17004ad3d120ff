#include "knowledge/gap_report.hpp"

#include <fcntl.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "common/text.hpp"

namespace guidechat::knowledge {

namespace {

constexpr const char* kFormat = "guidechat-gaps";
constexpr int kVersion = 1;
constexpr std::size_t kMinWordChars = 3;
constexpr std::size_t kMaxWordChars = 30;

bool letters_only(std::string_view w) {
  return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

// What a group may hold: words of letters a-z joined by single spaces.
bool valid_group(std::string_view words) {
  std::size_t at = 0;
  while (at < words.size()) {
    auto sp = words.find(' ', at);
    if (sp == std::string_view::npos) sp = words.size();
    if (!letters_only(words.substr(at, sp - at))) return false;
    at = sp + 1;
  }
  return words.empty() || words.back() != ' ';
}

// An e-mail or web address, a handle ("jo.bloggs") or any chunk with a digit
// (phone numbers, dates, ages, record numbers): dropped whole before words
// are split.
bool identifying_chunk(std::string_view chunk) {
  if (chunk.find('@') != std::string_view::npos || chunk.find("://") != std::string_view::npos ||
      chunk.find("www.") != std::string_view::npos) {
    return true;
  }
  for (std::size_t i = 0; i < chunk.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(chunk[i]);
    if (std::isdigit(c)) return true;
    if (c == '.' && i > 0 && i + 1 < chunk.size() &&
        std::isalpha(static_cast<unsigned char>(chunk[i - 1])) &&
        std::isalpha(static_cast<unsigned char>(chunk[i + 1]))) {
      return true;
    }
  }
  return false;
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

// The whitespace-separated chunks of `question` that may hold key words.
std::vector<std::string_view> safe_chunks(std::string_view question) {
  std::vector<std::string_view> out;
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
    if (keep) out.push_back(chunk);
  }
  return out;
}

std::string today_utc() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// Writes `data` to `file` with mode 0600 (also when it existed).
Status write_private(const std::filesystem::path& file, const std::string& data) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status::Fail(file.string() + ": cannot write the gap report");
  bool ok = ::fchmod(fd, 0600) == 0;
  for (std::size_t done = 0; ok && done < data.size();) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ::close(fd) == 0 && ok;
  if (!ok) return Status::Fail(file.string() + ": cannot write the gap report");
  return Status::Ok();
}

}  // namespace

std::string printable_group(std::string_view words) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : words) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

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
    for (const auto& [words, count] : j.at("groups").items()) {
      if (valid_group(words)) t.groups[words] = count.get<std::uint64_t>();
    }
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
    : file_(std::move(file)),
      options_(options),
      window_start_(std::chrono::steady_clock::now()),
      last_flush_(window_start_) {}

GapReport::~GapReport() {
  std::lock_guard lock(mu_);
  if (dirty_) (void)flush_locked();
}

Result<std::unique_ptr<GapReport>> GapReport::open(const std::filesystem::path& file,
                                                   std::shared_ptr<const Index> index,
                                                   Options options) {
  if (!index) return Error{"gap report: no index"};
  std::unique_ptr<GapReport> report(new GapReport(file, options));
  if (RAND_bytes(report->key_.data(), static_cast<int>(report->key_.size())) != 1)
    return Error{"gap report: no random key"};
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) {
    auto existing = GapTotals::read(file);
    if (!existing.ok()) return Error{existing.error()};
    report->since_ = existing->since;
    report->fallbacks_ = existing->fallbacks;
    for (const auto& [words, count] : existing->groups) report->groups_[words].count = count;
  } else {
    report->since_ = today_utc();
  }
  report->index_ = std::move(index);
  Status written = report->flush();
  if (!written.ok()) return Error{written.error()};
  return report;
}

void GapReport::set_index(std::shared_ptr<const Index> index) {
  if (!index) return;
  std::lock_guard lock(mu_);
  index_ = std::move(index);
}

std::shared_ptr<const Index> GapReport::index() const {
  std::lock_guard lock(mu_);
  return index_;
}

GapReport::Tag GapReport::tag(std::string_view id) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(id.data()), id.size(), mac, &len);
  Tag out = 0;
  std::memcpy(&out, mac, sizeof out);
  return out;
}

std::vector<std::string> GapReport::key_words(std::string_view question) const {
  auto idx = index();
  const auto& lexicon = idx->knowledge().lexicon();
  question = text::truncate_utf8(question, limits::kMaxQueryChars);
  struct Word {
    std::string text;
    int rarity;  // the SCOWL class: higher is rarer
  };
  std::vector<Word> found;
  for (std::string_view chunk : safe_chunks(question)) {
    for (auto& w : text::words(chunk)) {
      if (w.size() < kMinWordChars || w.size() > kMaxWordChars || !letters_only(w)) continue;
      int cls = lexicon.word_class(w);
      if (cls == 0 || lexicon.name(w) || lexicon.everyday(w) || idx->covers(w)) continue;
      if (std::none_of(found.begin(), found.end(), [&](const Word& f) { return f.text == w; }))
        found.push_back({std::move(w), cls});
    }
  }
  // The rarest words say most about the topic.
  std::stable_sort(found.begin(), found.end(),
                   [](const Word& a, const Word& b) { return a.rarity > b.rarity; });
  if (found.size() > limits::kGapMaxKeyWords) found.resize(limits::kGapMaxKeyWords);
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(std::move(f.text));
  std::sort(out.begin(), out.end());
  return out;
}

bool GapReport::may_start_group(Tag address, std::chrono::steady_clock::time_point now) {
  if (now - window_start_ >= limits::kGapAddressWindow) {
    starts_.clear();
    window_start_ = now;
  }
  auto it = starts_.find(address);
  if (it == starts_.end()) {
    if (starts_.size() >= limits::kGapMaxAddresses) return false;  // until the window ends
    it = starts_.emplace(address, 0).first;
  }
  if (it->second >= limits::kGapMaxNewGroupsPerAddress) return false;
  ++it->second;
  return true;
}

void GapReport::evict_one() {
  auto victim = groups_.end();
  for (auto it = groups_.begin(); it != groups_.end(); ++it) {
    if (victim == groups_.end() || it->second.count < victim->second.count ||
        (it->second.count == victim->second.count && it->second.created < victim->second.created))
      victim = it;
  }
  if (victim != groups_.end()) groups_.erase(victim);
}

void GapReport::count(Group* group, Tag conversation, Tag address) {
  auto has = [](const std::vector<Tag>& tags, Tag t) {
    return std::find(tags.begin(), tags.end(), t) != tags.end();
  };
  if (has(group->conversations, conversation) || has(group->addresses, address)) return;
  if (group->conversations.size() >= limits::kGapAskersKept) {
    group->conversations.erase(group->conversations.begin());
    group->addresses.erase(group->addresses.begin());
  }
  group->conversations.push_back(conversation);
  group->addresses.push_back(address);
  ++group->count;
}

void GapReport::record(std::string_view question, const Asker& asker) {
  auto words = key_words(question);
  std::string key;
  for (const auto& w : words) {
    if (!key.empty()) key += ' ';
    key += w;
  }
  const Tag conversation = tag(asker.conversation);
  const Tag address = tag(asker.address);
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  ++fallbacks_;
  dirty_ = true;
  auto it = groups_.find(key);
  if (it == groups_.end() && may_start_group(address, now)) {
    if (groups_.size() >= options_.max_groups) evict_one();
    it = groups_.emplace(std::move(key), Group{}).first;
    it->second.created = ++created_;
  }
  if (it != groups_.end()) count(&it->second, conversation, address);
  if (now - last_flush_ >= options_.flush_interval) (void)flush_locked();
}

Status GapReport::flush() {
  std::lock_guard lock(mu_);
  return flush_locked();
}

GapTotals GapReport::totals() const {
  std::lock_guard lock(mu_);
  GapTotals t;
  t.since = since_;
  t.fallbacks = fallbacks_;
  for (const auto& [words, group] : groups_)
    if (group.count >= options_.min_count) t.groups.emplace(words, group.count);
  return t;
}

Status GapReport::flush_locked() {
  last_flush_ = std::chrono::steady_clock::now();
  nlohmann::json groups = nlohmann::json::object();
  for (const auto& [words, group] : groups_)
    if (group.count >= options_.min_count) groups[words] = group.count;
  nlohmann::json j = {{"format", kFormat},
                      {"version", kVersion},
                      {"since", since_},
                      {"fallbacks", fallbacks_},
                      {"groups", std::move(groups)}};
  auto tmp = file_;
  tmp += ".tmp";
  if (Status st = write_private(tmp, j.dump(1) + "\n"); !st.ok()) return st;
  std::error_code ec;
  std::filesystem::rename(tmp, file_, ec);
  if (ec)
    return Status::Fail(file_.string() + ": cannot write the gap report (" + ec.message() + ")");
  dirty_ = false;
  return Status::Ok();
}

}  // namespace guidechat::knowledge
