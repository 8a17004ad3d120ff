// libFuzzer target: knowledge::parse_guide, the Markdown reader behind every
// answer. The guide is trusted input, but an editor's typo must come back as
// a finding, never a crash; and what parse_guide promises about passages
// (short, non-empty, valid UTF-8 when the file is) is what keeps answers
// displayable and JSON-safe.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/limits.hpp"
#include "common/text.hpp"
#include "knowledge/guide.hpp"

namespace {

namespace knowledge = guidechat::knowledge;
namespace text = guidechat::text;

void require(bool ok) {
  if (!ok) std::abort();
}

void require_slug(const std::string& slug) {
  for (char c : slug) require((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  if (slug.empty()) return;
  require(slug.front() != '-' && slug.back() != '-');
  require(slug.find("--") == std::string::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view markdown(reinterpret_cast<const char*>(data), size);
  std::vector<knowledge::Finding> findings;
  const knowledge::Guide guide = knowledge::parse_guide(markdown, "fuzz/guide.md", &findings);
  // Also without a findings sink: the same guide.
  const knowledge::Guide again = knowledge::parse_guide(markdown, "fuzz/guide.md", nullptr);
  require(again.sections.size() == guide.sections.size());

  const bool utf8 = text::valid_utf8(markdown);
  const int lines = 1 + static_cast<int>(std::count(markdown.begin(), markdown.end(), '\n'));
  for (const auto& f : findings) {
    require(!f.message.empty());
    require(f.line >= 1 && f.line <= lines);
  }
  std::set<std::string> ids;
  for (const auto& section : guide.sections) {
    require(section.line >= 1 && section.line <= lines);
    ids.insert(section.id);
    for (const auto& p : section.passages) {
      require(!p.text.empty());
      require(p.text.size() <= guidechat::limits::kMaxPassageChars);
      require(p.line >= section.line && p.line <= lines);
      if (utf8) require(text::valid_utf8(p.text));
    }
  }
  // A clean guide has a title, sections with unique non-empty ids, and text.
  if (findings.empty()) {
    require(!guide.title.empty());
    require(!guide.sections.empty());
    require(ids.size() == guide.sections.size() && !ids.count(""));
  }
  for (const auto& section : guide.sections) {
    require_slug(knowledge::slugify(section.title));
  }
  require_slug(knowledge::slugify(markdown.substr(0, 256)));
  return 0;
}
