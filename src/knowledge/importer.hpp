// Turning a clinic's document into a guide (guide.hpp's Markdown form), the
// text half of `guidechat import`: pure functions over text that external
// tools already extracted (the command runs pandoc and pdftotext). Three
// inputs: plain text (.txt, as typed or as pdftotext writes it), pandoc's
// JSON AST (.docx, .odt, .html, .md) and pdftotext's -bbox-layout XHTML
// (.pdf: blocks, lines and their sizes). Each becomes blocks (title,
// heading, paragraph, list item), then one guide: `# Title`, the text before
// the first heading under kIntroHeading, one `## Heading` per section. No
// sentence of the input is dropped; what is dropped (a lone page number) or
// changed (a word re-joined across a line break) is said in the notes.
//
// Thread-safety: pure functions; the word test is called from the caller's
// thread only.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace guidechat::knowledge {

// The heading given to the text before a document's first heading (its
// introduction): a product default, the one the first guide uses.
inline constexpr std::string_view kIntroHeading = "About This Guide";

// Whether a lower-case word is English (the lexicon's english-words.txt):
// decides whether two fragments split by a line break are one word.
using IsEnglishWord = std::function<bool(std::string_view)>;

struct ImportOptions {
  IsEnglishWord is_word;
  // The title when the document has none of its own (e.g. from the file name).
  std::string fallback_title;
};

// One decision of the importer, for the report on stderr.
struct ImportNote {
  std::string where;  // "line 22", "page 2", "block 7"; may be empty
  std::string message;
};

struct ImportedGuide {
  std::string markdown;  // the guide, ending in a newline
  std::string title;
  std::size_t sections = 0;  // as parse_guide reads the markdown
  std::size_t passages = 0;
  std::vector<ImportNote> notes;  // as decided; parse_guide's findings last
};

// How plain text lays out paragraphs: one line each (typed text), or lines
// wrapped inside paragraphs with blank lines between them (pdftotext).
enum class TextStyle { kLinePerParagraph, kBlankSeparated };
TextStyle detect_text_style(std::string_view text);

// Plain text (UTF-8; other bytes are read as Latin-1, with a note). The first
// line is the title; short lines without a sentence end are headings.
// Fails when there is no text.
Result<ImportedGuide> import_text(std::string_view text, const ImportOptions& options);

// Pandoc's JSON AST (`pandoc -t json`). Fails when it is not one, or has no text.
Result<ImportedGuide> import_pandoc_json(std::string_view json, const ImportOptions& options);

// pdftotext -bbox-layout output: blocks become paragraphs, taller lines
// headings, indented blocks list items. Fails when there is no text.
Result<ImportedGuide> import_pdf_layout(std::string_view xhtml, const ImportOptions& options);

}  // namespace guidechat::knowledge
