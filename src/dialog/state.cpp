#include "dialog/state.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_map>

#include "common/limits.hpp"

namespace guidechat::dialog {

// Layout (version 1): [1] str(flow) str(node) u8(count) { str(slot) u8(n) str(option)*n }*
// where str is a length byte (0..64) then the id, or one byte 0x80|i for
// kCommon[i]: the ids of the shipped flows take one byte each, so even a
// symptom check with every option chosen stays near 60 bytes. Ids that are
// not in the table (flows edited by the clinic) are simply spelled out.
namespace {

// Append-only: a token sealed yesterday must still decode the same way.
constexpr std::string_view kCommon[] = {"symptom-check",
                                        "see-doctor",
                                        "triggers-relief",
                                        "prepare-visit",
                                        "where",
                                        "duration",
                                        "frequency",
                                        "strength",
                                        "pain",
                                        "speech",
                                        "triggers",
                                        "urgent",
                                        "doctor",
                                        "self-care",
                                        "long",
                                        "tried",
                                        "find-triggers",
                                        "medical-help",
                                        "remedies",
                                        "remember",
                                        "length",
                                        "feelings",
                                        "worse",
                                        "note",
                                        "summary",
                                        "pain-a-lot",
                                        "lasts-long",
                                        "home-remedies",
                                        "other-triggers",
                                        "worse-with",
                                        "red-flags",
                                        "eyes",
                                        "lips",
                                        "side",
                                        "grimace",
                                        "other",
                                        "seconds",
                                        "minutes",
                                        "sometimes",
                                        "daily",
                                        "constantly",
                                        "mild",
                                        "noticeable",
                                        "severe",
                                        "none",
                                        "a-little",
                                        "a-lot",
                                        "yes",
                                        "no",
                                        "stress",
                                        "tired",
                                        "movement",
                                        "emotions",
                                        "surroundings",
                                        "nothing",
                                        "helped",
                                        "no-help",
                                        "not-tried",
                                        "discomfort",
                                        "neither",
                                        "chewing",
                                        "speak-chew"};
constexpr std::size_t kCommonCount = sizeof(kCommon) / sizeof(kCommon[0]);
static_assert(kCommonCount < 128);

constexpr std::uint8_t kVersion = 1;
constexpr std::size_t kMaxId = limits::kMaxNameChars;
constexpr std::size_t kMaxAnswers = limits::kMaxStateAnswers;
constexpr std::size_t kMaxOptions = limits::kMaxChooseOptions;

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxId) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

// The index of `s` in kCommon, or kCommonCount. Encoding looks up every id
// of every turn's state: a hash map instead of a scan of the whole list.
std::size_t common_index(std::string_view s) {
  if (s.empty()) return kCommonCount;  // no flow or node: common in every state
  static const std::unordered_map<std::string_view, std::size_t> kIndex = [] {
    std::unordered_map<std::string_view, std::size_t> m;
    for (std::size_t i = 0; i < kCommonCount; ++i) m.emplace(kCommon[i], i);
    return m;
  }();
  auto it = kIndex.find(s);
  return it != kIndex.end() ? it->second : kCommonCount;
}

void put(std::string* out, std::string_view s) {
  if (std::size_t i = common_index(s); i < kCommonCount) {
    out->push_back(static_cast<char>(0x80 | i));
    return;
  }
  out->push_back(static_cast<char>(std::min(s.size(), kMaxId)));
  out->append(s.substr(0, kMaxId));
}

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool byte(std::size_t* v) {
    if (pos_ >= b_.size()) return false;
    *v = static_cast<unsigned char>(b_[pos_++]);
    return true;
  }
  // An id, or (allow_empty) nothing.
  bool str(std::string* s, bool allow_empty) {
    std::size_t n;
    if (!byte(&n)) return false;
    if (n & 0x80) {
      if ((n & 0x7F) >= kCommonCount) return false;
      *s = std::string(kCommon[n & 0x7F]);
      return true;
    }
    if (n > kMaxId || b_.size() - pos_ < n) return false;
    *s = std::string(b_.substr(pos_, n));
    pos_ += n;
    // A common id spelled out would encode differently: refuse, so that
    // every state has exactly one encoding.
    if (common_index(*s) < kCommonCount) return false;
    return (allow_empty && n == 0) || valid_id(*s);
  }
  bool done() const { return pos_ == b_.size(); }

 private:
  std::string_view b_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string encode_state(const State& state) {
  std::string out;
  out.reserve(64);
  out.push_back(static_cast<char>(kVersion));
  put(&out, state.flow);
  put(&out, state.node);
  std::size_t count = std::min(state.answers.size(), kMaxAnswers);
  out.push_back(static_cast<char>(count));
  for (std::size_t i = 0; i < count; ++i) {
    const SlotAnswer& a = state.answers[i];
    put(&out, a.slot);
    std::size_t n = std::min(a.options.size(), kMaxOptions);
    out.push_back(static_cast<char>(n));
    for (std::size_t j = 0; j < n; ++j) put(&out, a.options[j]);
  }
  return out;
}

Result<State> decode_state(std::string_view bytes) {
  Reader r(bytes);
  std::size_t version;
  if (!r.byte(&version) || version != kVersion) return Error{"state: unknown version"};
  State s;
  if (!r.str(&s.flow, true) || !r.str(&s.node, true)) return Error{"state: bad flow or node"};
  if (s.flow.empty() && !s.node.empty()) return Error{"state: node without a flow"};
  std::size_t count;
  if (!r.byte(&count) || count > kMaxAnswers) return Error{"state: bad answer count"};
  for (std::size_t i = 0; i < count; ++i) {
    SlotAnswer a;
    std::size_t n;
    if (!r.str(&a.slot, false) || !r.byte(&n) || n == 0 || n > kMaxOptions) {
      return Error{"state: bad answer"};
    }
    for (const SlotAnswer& prev : s.answers) {
      if (prev.slot == a.slot) return Error{"state: duplicate slot"};
    }
    for (std::size_t j = 0; j < n; ++j) {
      std::string o;
      if (!r.str(&o, false)) return Error{"state: bad option"};
      if (std::find(a.options.begin(), a.options.end(), o) != a.options.end()) {
        return Error{"state: duplicate option"};
      }
      a.options.push_back(std::move(o));
    }
    s.answers.push_back(std::move(a));
  }
  if (!r.done()) return Error{"state: trailing bytes"};
  return s;
}

}  // namespace guidechat::dialog
