// A patient guide as data: one Markdown file, `# Title`, then one `## Heading`
// per section; paragraphs and list blocks become passages, the unit of an
// answer. A section's id is the slug of its heading unless the heading ends
// in `{#explicit-id}`.
//
// Thread-safety: plain values; parse_guide has no shared state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace guidechat::knowledge {

// A paragraph or a list block (lead-in sentence plus its items), at most
// limits::kMaxPassageChars long; longer paragraphs are split at sentences.
struct Passage {
  std::string text;
  int line = 0;  // 1-based line in the file where it starts
};

struct Section {
  std::string guide;  // id of the guide (file stem)
  std::string id;     // stable, unique across all guides
  std::string title;  // the heading as written
  std::string file;
  int line = 0;
  std::vector<Passage> passages;

  // The whole section as plain text, passages separated by blank lines.
  std::string text() const;
};

struct Guide {
  std::string id;
  std::string title;
  std::string file;
  std::vector<Section> sections;
};

// A problem found while reading knowledge files, with where it is.
struct Finding {
  std::string file;
  int line = 0;
  std::string message;
};

// Parses one guide. Structural problems (no title, text before the first
// section, empty section, duplicate ids within the file) are returned in
// `findings`; the guide is still returned with what could be read.
Guide parse_guide(std::string_view markdown, std::string_view file, std::vector<Finding>* findings);

// "When to Seek Medical Attention" -> "when-to-seek-medical-attention".
std::string slugify(std::string_view heading);

}  // namespace guidechat::knowledge
