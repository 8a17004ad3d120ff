#include "knowledge/importer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/text.hpp"
#include "knowledge/guide.hpp"

namespace guidechat::knowledge {

namespace {

// A heading is a short line: at most this many words and bytes.
constexpr std::size_t kMaxHeadingWords = 12;
constexpr std::size_t kMaxHeadingBytes = 120;
// Plain text with at least this many blank lines per text line, or this
// share of lines wrapped into the next (which starts in lower case), has
// paragraphs of wrapped lines separated by blank lines.
constexpr double kBlankSeparatedShare = 0.2;
constexpr double kWrappedShare = 0.1;
// In wrapped text, a heading with its paragraph right under it (no blank
// line between) is at most this share of the paragraph's first line long.
constexpr double kHeadingShareOfLine = 0.75;
// In a PDF, a line this much taller than the body text is a heading, and a
// block starting this many points right of the body text is a list.
constexpr double kHeadingHeightRatio = 1.15;
constexpr double kListIndentPoints = 8.0;

enum class Kind { kHeading, kParagraph, kItem };

struct Block {
  Kind kind = Kind::kParagraph;
  std::string text;
  std::string where;
  std::string marker = "- ";  // a list item's
  int level = 0;              // a heading's (pandoc)
  int lines = 1;              // source lines joined into it
};

// What the steps share: the options and the notes being written.
struct Ctx {
  const ImportOptions& options;
  std::vector<ImportNote> notes;
  void note(std::string where, std::string message) {
    notes.push_back({std::move(where), std::move(message)});
  }
  bool is_word(std::string_view w) const { return options.is_word && options.is_word(w); }
};

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Drops closing quotes and brackets at the end ("done.)" -> "done.").
std::string_view strip_closers(std::string_view s) {
  for (bool again = true; again && !s.empty();) {
    again = false;
    for (std::string_view closer : {"\"", "'", ")", "]", "\u2019", "\u201d", "\u00bb"}) {
      if (s.ends_with(closer)) {
        s.remove_suffix(closer.size());
        again = true;
      }
    }
  }
  return s;
}

// Whether text ends where a sentence (or a lead-in, "include:") ends.
bool ends_sentence(std::string_view s) {
  s = strip_closers(text::trim(s));
  return !s.empty() && std::string_view(".!?:;").find(s.back()) != std::string_view::npos;
}

bool starts_lower(std::string_view s) {
  return !s.empty() && s[0] >= 'a' && s[0] <= 'z';
}

std::size_t word_count(std::string_view s) {
  std::size_t n = 0;
  bool in_word = false;
  for (char c : s) {
    bool space = c == ' ';
    if (!space && !in_word) ++n;
    in_word = !space;
  }
  return n;
}

// A short line that does not end like a sentence ("?" may end a heading).
bool heading_like(std::string_view s) {
  s = text::trim(s);
  if (s.empty() || s.size() > kMaxHeadingBytes || word_count(s) > kMaxHeadingWords) return false;
  unsigned char first = static_cast<unsigned char>(s[0]);
  if (starts_lower(s) || (first < 0x80 && !is_letter(s[0]) && !(s[0] >= '0' && s[0] <= '9'))) {
    return false;
  }
  char last = strip_closers(s).empty() ? ' ' : strip_closers(s).back();
  return std::string_view(".!,;:").find(last) == std::string_view::npos;
}

// "3", "Page 3", "Page 3 of 5", "3 of 5", "3 / 5", "- 3 -".
bool is_page_number(std::string_view s) {
  std::string t = lower_ascii(text::trim(s));
  if (t.starts_with("page ")) t = t.substr(5);
  if (t.size() >= 4 && t.starts_with("- ") && t.ends_with(" -")) t = t.substr(2, t.size() - 4);
  auto digits = [](std::string_view d) {
    return !d.empty() && d.size() <= 4 &&
           std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  for (std::string_view sep : {" of ", " / ", "/"}) {
    if (auto at = t.find(sep); at != std::string::npos) {
      return digits(std::string_view(t).substr(0, at)) &&
             digits(std::string_view(t).substr(at + sep.size()));
    }
  }
  return digits(t);
}

// A list item's marker and the rest: "- x", "• x", "3. x", "3) x".
std::optional<std::pair<std::string, std::string_view>> list_marker(std::string_view line) {
  for (std::string_view bullet : {"- ", "* ", "+ ", "\u2022 ", "\u25e6 ", "\u25aa ", "\u2023 "}) {
    if (line.starts_with(bullet) && line.size() > bullet.size()) {
      return std::make_pair(std::string("- "), text::trim(line.substr(bullet.size())));
    }
  }
  std::size_t i = 0;
  while (i < line.size() && i < 3 && line[i] >= '0' && line[i] <= '9') ++i;
  if (i > 0 && i + 2 < line.size() && (line[i] == '.' || line[i] == ')') && line[i + 1] == ' ') {
    return std::make_pair(std::string(line.substr(0, i)) + ". ", text::trim(line.substr(i + 2)));
  }
  return std::nullopt;
}

// The run of ASCII letters ending `s` (empty unless `s` ends in a letter).
std::string_view trailing_letters(std::string_view s) {
  std::size_t i = s.size();
  while (i > 0 && is_letter(s[i - 1])) --i;
  return s.substr(i);
}

// The run of ASCII letters starting `s`, when it is a whole word.
std::string_view leading_letters(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && is_letter(s[i])) ++i;
  if (i < s.size() && static_cast<unsigned char>(s[i]) >= 0x80) return {};
  return s.substr(0, i);
}

// Appends `next` to `text` as the following line of the same paragraph: a
// word split by the break ("y" + "ou", "treat-" + "ment") is re-joined when
// the whole is an English word and the second piece alone is not.
void join_line(std::string* text, std::string_view next, const std::string& where, Ctx& ctx) {
  next = text::trim(next);
  if (next.empty()) return;
  std::string_view cur = *text;
  bool hyphen = cur.size() >= 2 && cur.back() == '-' && is_letter(cur[cur.size() - 2]);
  std::string_view a = trailing_letters(hyphen ? cur.substr(0, cur.size() - 1) : cur);
  std::string_view b = leading_letters(next);
  if (!a.empty() && !b.empty() && starts_lower(b)) {
    std::string whole = lower_ascii(a) + lower_ascii(b);
    if (ctx.is_word(whole) && !ctx.is_word(lower_ascii(b))) {
      std::string joined = std::string(a) + std::string(b);
      ctx.note(where, "re-joined '" + std::string(a) + (hyphen ? "-" : "") + "' + '" +
                          std::string(b) + "' across a line break into '" + joined + "'");
      if (hyphen) text->pop_back();
      *text += next;
      return;
    }
  }
  if (!hyphen || !starts_lower(next)) *text += ' ';
  *text += next;
}

std::string line_where(int line) {
  return "line " + std::to_string(line);
}

}  // namespace

namespace {

// ---- Plain text -------------------------------------------------------------

struct Line {
  std::string text;  // trimmed, spaces collapsed; empty for a blank line
  int number = 0;
};

// Invalid UTF-8 is read as Latin-1 (what a Windows export usually is).
std::string as_utf8(std::string_view in, Ctx& ctx) {
  if (text::valid_utf8(in)) return std::string(in);
  ctx.note("", "the text is not UTF-8; read it as Latin-1 (check accented letters)");
  std::string out;
  for (unsigned char c : in) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

// Splits into trimmed lines; a form feed (page break) ends a line and counts
// as a blank one; other control characters become spaces.
std::vector<Line> split_lines(std::string_view in) {
  if (in.starts_with("\xEF\xBB\xBF")) in.remove_prefix(3);
  std::vector<Line> lines;
  std::string cur;
  int number = 1;
  auto end_line = [&] {
    std::string t(text::trim(cur));
    lines.push_back({std::move(t), number});
    cur.clear();
  };
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '\n' || (c == '\r' && (i + 1 == in.size() || in[i + 1] != '\n'))) {
      end_line();
      ++number;
    } else if (c == '\f') {
      if (!text::trim(cur).empty()) end_line();
      lines.push_back({"", number});
    } else if (static_cast<unsigned char>(c) < 0x20 || c == ' ') {
      if (!cur.empty() && cur.back() != ' ') cur.push_back(' ');
    } else {
      cur.push_back(c);
    }
  }
  if (!text::trim(cur).empty()) end_line();
  return lines;
}

TextStyle style_of(const std::vector<Line>& lines) {
  std::size_t text_lines = 0, blank = 0, wrapped = 0;
  std::size_t first = 0, last = lines.size();
  while (first < last && lines[first].text.empty()) ++first;
  while (last > first && lines[last - 1].text.empty()) --last;
  for (std::size_t i = first; i < last; ++i) {
    if (lines[i].text.empty()) {
      ++blank;
      continue;
    }
    ++text_lines;
    if (i + 1 < last && !ends_sentence(lines[i].text) && starts_lower(lines[i + 1].text)) {
      ++wrapped;
    }
  }
  if (text_lines == 0) return TextStyle::kLinePerParagraph;
  double n = static_cast<double>(text_lines);
  return (static_cast<double>(blank) / n >= kBlankSeparatedShare ||
          static_cast<double>(wrapped) / n >= kWrappedShare)
             ? TextStyle::kBlankSeparated
             : TextStyle::kLinePerParagraph;
}

// In wrapped text: whether `line` starts a new block although no blank line
// comes before it: the paragraph right under a heading (a heading is
// clearly shorter than the wrapped line after it), or a heading right under
// a paragraph.
bool starts_block_in_group(const Block& prev, std::string_view line, std::string_view next) {
  if (prev.kind == Kind::kParagraph && prev.lines == 1 && heading_like(prev.text) &&
      !starts_lower(line) &&
      static_cast<double>(prev.text.size()) <
          kHeadingShareOfLine * static_cast<double>(line.size())) {
    return true;
  }
  return ends_sentence(prev.text) && heading_like(line) && !starts_lower(next) &&
         !ends_sentence(line);
}

// Lines into paragraphs and list items (headings are told apart later).
std::vector<Block> text_blocks(const std::vector<Line>& lines, TextStyle style, Ctx& ctx) {
  std::vector<Block> blocks;
  bool after_blank = true;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Line& line = lines[i];
    std::string where = line_where(line.number);
    if (!line.text.empty() && is_page_number(line.text)) {
      ctx.note(where, "dropped '" + line.text + "' (a lone page number)");
      after_blank = true;
      continue;
    }
    if (line.text.empty()) {
      after_blank = true;
      continue;
    }
    std::string_view next = i + 1 < lines.size() ? std::string_view(lines[i + 1].text) : "";
    Block* prev = blocks.empty() ? nullptr : &blocks.back();
    auto marker = list_marker(line.text);
    bool continued = prev && !marker && !ends_sentence(prev->text) && starts_lower(line.text);
    bool wrapped = prev && !marker && style == TextStyle::kBlankSeparated && !after_blank &&
                   prev->kind != Kind::kHeading && !starts_block_in_group(*prev, line.text, next);
    if (continued || wrapped) {
      join_line(&prev->text, line.text, where, ctx);
      ++prev->lines;
    } else if (marker) {
      blocks.push_back({Kind::kItem, std::string(marker->second), where, marker->first});
    } else {
      blocks.push_back({Kind::kParagraph, line.text, where});
    }
    after_blank = false;
  }
  return blocks;
}

// The first block is the title when it looks like one; short lines without
// a sentence end are headings.
std::string take_title(std::vector<Block>* blocks, Ctx& ctx) {
  if (!blocks->empty() && blocks->front().kind == Kind::kParagraph &&
      heading_like(blocks->front().text)) {
    std::string title = blocks->front().text;
    ctx.note(blocks->front().where, "title '" + title + "' (the first line)");
    blocks->erase(blocks->begin());
    return title;
  }
  ctx.note("", "no title line; using '" + ctx.options.fallback_title + "'");
  return ctx.options.fallback_title;
}

void mark_headings(std::vector<Block>* blocks) {
  for (auto& b : *blocks) {
    if (b.kind == Kind::kParagraph && heading_like(b.text)) b.kind = Kind::kHeading;
  }
}

}  // namespace

namespace {

// ---- Assembling the guide -------------------------------------------------------

// A heading with no text under it (another heading or the end follows) is
// kept as a paragraph: an empty section cannot answer anything.
void demote_empty_headings(std::vector<Block>* blocks, Ctx& ctx) {
  for (std::size_t i = 0; i < blocks->size(); ++i) {
    Block& b = (*blocks)[i];
    if (b.kind != Kind::kHeading) continue;
    if (i + 1 == blocks->size() || (*blocks)[i + 1].kind == Kind::kHeading) {
      b.kind = Kind::kParagraph;
      ctx.note(b.where, "'" + b.text + "' looks like a heading but has no text under it; " +
                            "kept as a paragraph");
    }
  }
}

// Writes the guide; every heading, the intro section and a heading repeating
// the title are noted.
std::string write_guide(const std::string& title, const std::vector<Block>& blocks, Ctx& ctx) {
  std::string out = "# " + title + "\n";
  std::set<std::string> ids;
  auto heading = [&](const std::string& h, const std::string& where) {
    std::string id = slugify(h);
    std::string line = "\n## " + h;
    if (id.empty() || ids.count(id)) {
      std::string unique = (id.empty() ? "section" : id) + "-" + std::to_string(ids.size() + 1);
      ctx.note(where, "heading '" + h + "' gets the id '" + unique + "' (its own is taken)");
      line += " {#" + unique + "}";
      id = unique;
    }
    ids.insert(id);
    out += line + "\n";
  };
  if (!blocks.empty() && blocks.front().kind != Kind::kHeading) {
    ctx.note(blocks.front().where,
             "the text before the first heading goes under '" + std::string(kIntroHeading) + "'");
    heading(std::string(kIntroHeading), blocks.front().where);
  }
  Kind prev = Kind::kHeading;
  for (const auto& b : blocks) {
    if (b.kind == Kind::kHeading) {
      ctx.note(b.where, "heading '" + b.text + "'");
      if (lower_ascii(b.text) == lower_ascii(title)) {
        ctx.note(b.where, "heading '" + b.text +
                              "' repeats the title: rename it to say what the section is about");
      }
      heading(b.text, b.where);
    } else {
      if (!(b.kind == Kind::kItem && prev == Kind::kItem)) out += "\n";
      out += (b.kind == Kind::kItem ? b.marker : std::string()) + b.text + "\n";
    }
    prev = b.kind;
  }
  return out;
}

Result<ImportedGuide> finish(std::string title, std::vector<Block> blocks, Ctx& ctx) {
  std::erase_if(blocks, [](const Block& b) { return text::trim(b.text).empty(); });
  if (blocks.empty()) return Error{"no text to make a guide of"};
  if (title.empty())
    title = ctx.options.fallback_title.empty() ? "Guide" : ctx.options.fallback_title;
  demote_empty_headings(&blocks, ctx);
  ImportedGuide guide;
  guide.title = title;
  guide.markdown = write_guide(title, blocks, ctx);
  std::vector<Finding> findings;
  Guide parsed = parse_guide(guide.markdown, "imported.md", &findings);
  guide.sections = parsed.sections.size();
  for (const auto& s : parsed.sections) guide.passages += s.passages.size();
  for (const auto& f : findings) {
    ctx.note("output line " + std::to_string(f.line), "the guide reader says: " + f.message);
  }
  guide.notes = std::move(ctx.notes);
  return guide;
}

}  // namespace

namespace {

// ---- Pandoc's JSON AST ------------------------------------------------------------

using nlohmann::json;

// Collapses runs of spaces and trims.
std::string tidy(std::string_view s) {
  std::string out;
  for (char c : s) {
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space && (out.empty() || out.back() == ' ')) continue;
    out.push_back(space ? ' ' : c);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

class PandocWalker {
 public:
  explicit PandocWalker(Ctx& ctx) : ctx_(ctx) {}

  std::vector<Block> take() { return std::move(blocks_); }

  void blocks(const json& list) {
    if (!list.is_array()) return;
    for (const auto& b : list) block(b);
  }

  std::string inlines(const json& list) {
    std::string out;
    append_inlines(list, &out);
    return tidy(out);
  }

 private:
  std::string where() const { return "block " + std::to_string(count_); }

  void add(Kind kind, std::string text, std::string marker = "- ", int level = 0) {
    text = tidy(text);
    if (text.empty()) return;
    blocks_.push_back({kind, std::move(text), where(), std::move(marker), level});
    // Footnotes of this block follow it as paragraphs of their own.
    std::vector<json> notes = std::move(notes_);
    notes_.clear();
    for (const auto& n : notes) {
      ctx_.note(where(), "a footnote became the paragraph after its text");
      blocks(n);
    }
  }

  void block(const json& b) {
    if (!b.is_object()) return;
    ++count_;
    const std::string t = b.value("t", "");
    const json& c = b.contains("c") ? b["c"] : json();
    if (t == "Header" && c.is_array() && c.size() >= 3) {
      add(Kind::kHeading, inlines(c[2]), "- ", c[0].is_number() ? c[0].get<int>() : 1);
    } else if (t == "Para" || t == "Plain") {
      add(Kind::kParagraph, inlines(c));
    } else if (t == "LineBlock" && c.is_array()) {
      std::string text;
      for (const auto& line : c) text += inlines(line) + " ";
      add(Kind::kParagraph, text);
    } else if (t == "CodeBlock" && c.is_array() && c.size() >= 2 && c[1].is_string()) {
      add(Kind::kParagraph, c[1].get<std::string>());
    } else if (t == "BlockQuote") {
      blocks(c);
    } else if (t == "Div" && c.is_array() && c.size() >= 2) {
      blocks(c[1]);
    } else if (t == "BulletList") {
      list(c, "");
    } else if (t == "OrderedList" && c.is_array() && c.size() >= 2) {
      int start = c[0].is_array() && !c[0].empty() && c[0][0].is_number() ? c[0][0].get<int>() : 1;
      list(c[1], std::to_string(start));
    } else if (t == "RawBlock") {
      ctx_.note(where(), "dropped raw markup (not text)");
    } else if (t != "HorizontalRule" && t != "Null") {
      other(t, c);
    }
  }

  // List items: each item's own text, then its nested lists' items.
  void list(const json& items, const std::string& start) {
    if (!items.is_array()) return;
    int n = start.empty() ? 0 : std::atoi(start.c_str());
    for (const auto& item : items) {
      std::string text;
      std::vector<const json*> nested;
      for (const auto& b : item) {
        std::string t = b.is_object() ? b.value("t", "") : "";
        if (t == "Plain" || t == "Para") {
          text += inlines(b["c"]) + " ";
        } else {
          nested.push_back(&b);
        }
      }
      add(Kind::kItem, text, start.empty() ? "- " : std::to_string(n++) + ". ");
      for (const json* b : nested) block(*b);
    }
  }

  // Tables, definition lists, figures: every paragraph found inside.
  void other(const std::string& t, const json& c) {
    ctx_.note(where(), "a " + t + ": each piece of text in it became a paragraph");
    std::vector<std::string> texts;
    collect(c, &texts);
    for (auto& text : texts) add(Kind::kParagraph, text);
  }

  void collect(const json& node, std::vector<std::string>* texts) {
    if (node.is_object()) {
      std::string t = node.value("t", "");
      if ((t == "Plain" || t == "Para") && node.contains("c")) {
        texts->push_back(inlines(node["c"]));
        return;
      }
      if (node.contains("c")) collect(node["c"], texts);
    } else if (node.is_array()) {
      for (const auto& x : node) collect(x, texts);
    }
  }

  void append_inlines(const json& list, std::string* out) {
    if (!list.is_array()) return;
    for (const auto& i : list) append_inline(i, out);
  }

  void append_inline(const json& i, std::string* out) {
    if (!i.is_object()) return;
    const std::string t = i.value("t", "");
    const json& c = i.contains("c") ? i["c"] : json();
    if (t == "Str" && c.is_string()) {
      *out += c.get<std::string>();
    } else if (t == "Space" || t == "SoftBreak" || t == "LineBreak") {
      *out += ' ';
    } else if (t == "Emph" || t == "Strong" || t == "Underline" || t == "Strikeout" ||
               t == "Superscript" || t == "Subscript" || t == "SmallCaps") {
      append_inlines(c, out);
    } else if (t == "Quoted" && c.is_array() && c.size() >= 2) {
      bool single = c[0].is_object() && c[0].value("t", "") == "SingleQuote";
      *out += single ? "\u2018" : "\u201c";
      append_inlines(c[1], out);
      *out += single ? "\u2019" : "\u201d";
    } else if ((t == "Span" || t == "Cite" || t == "Link") && c.is_array() && c.size() >= 2) {
      append_inlines(c[1], out);
    } else if ((t == "Code" || t == "Math") && c.is_array() && c.size() >= 2 && c[1].is_string()) {
      *out += c[1].get<std::string>();
    } else if (t == "Image") {
      ctx_.note(where(), "dropped an image");
    } else if (t == "Note") {
      notes_.push_back(c);
    }
  }

  Ctx& ctx_;
  std::vector<Block> blocks_;
  std::vector<json> notes_;
  int count_ = 0;
};

// The title: a lone top-level heading first in the document, else the
// document's title property, else the fallback. Headings one level below
// the title's (or the top level) are sections; deeper ones become paragraphs.
std::string pandoc_title(std::vector<Block>* blocks, const std::string& meta_title, Ctx& ctx) {
  int top = 0;
  std::size_t at_top = 0;
  for (const auto& b : *blocks) {
    if (b.kind != Kind::kHeading) continue;
    if (top == 0 || b.level < top) {
      top = b.level;
      at_top = 0;
    }
    if (b.level == top) ++at_top;
  }
  std::string title;
  if (!blocks->empty() && blocks->front().kind == Kind::kHeading && blocks->front().level == top &&
      at_top == 1) {
    title = blocks->front().text;
    ctx.note(blocks->front().where, "title '" + title + "' (the top heading)");
    blocks->erase(blocks->begin());
  } else if (!meta_title.empty()) {
    title = meta_title;
    ctx.note("", "title '" + title + "' (the document's title)");
  } else {
    title = ctx.options.fallback_title;
    ctx.note("", "no title in the document; using '" + title + "'");
  }
  int section = 0;
  for (const auto& b : *blocks) {
    if (b.kind == Kind::kHeading && (section == 0 || b.level < section)) section = b.level;
  }
  for (auto& b : *blocks) {
    if (b.kind == Kind::kHeading && b.level > section) {
      b.kind = Kind::kParagraph;
      ctx.note(b.where, "sub-heading '" + b.text + "' kept as a paragraph");
    }
  }
  return title;
}

}  // namespace

namespace {

// ---- pdftotext -bbox-layout ---------------------------------------------------------

struct PdfLine {
  double x = 0, top = 0, bottom = 0;
  std::string text;
  double height() const { return bottom - top; }
};

struct PdfBlock {
  int page = 0;
  double x = 0;
  std::vector<PdfLine> lines;
};

double attribute(std::string_view tag, std::string_view name) {
  std::string key(1, ' ');
  key.append(name);
  key.append("=\"");
  auto at = tag.find(key);
  if (at == std::string_view::npos) return 0;
  return std::strtod(std::string(tag.substr(at + key.size(), 32)).c_str(), nullptr);
}

std::string decode_entities(std::string_view s) {
  static const std::pair<std::string_view, std::string_view> kEntities[] = {
      {"&amp;", "&"},   {"&lt;", "<"},   {"&gt;", ">"},
      {"&quot;", "\""}, {"&apos;", "'"}, {"&#39;", "'"}};
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    bool done = false;
    for (auto [from, to] : kEntities) {
      if (s.substr(i).starts_with(from)) {
        out += to;
        i += from.size();
        done = true;
        break;
      }
    }
    if (!done) out.push_back(s[i++]);
  }
  return out;
}

// Reads pdftotext's own regular XHTML: page, block, line and word elements,
// one per line, their boxes as attributes.
std::vector<PdfBlock> read_layout(std::string_view x) {
  std::vector<PdfBlock> blocks;
  int page = 0;
  for (std::size_t at = x.find('<'); at != std::string_view::npos; at = x.find('<', at + 1)) {
    auto end = x.find('>', at);
    if (end == std::string_view::npos) break;
    std::string_view tag = x.substr(at, end - at);
    if (tag.starts_with("<page ") || tag == "<page") {
      ++page;
    } else if (tag.starts_with("<block ")) {
      blocks.push_back({page, attribute(tag, "xMin"), {}});
    } else if (tag.starts_with("<line ") && !blocks.empty()) {
      blocks.back().lines.push_back(
          {attribute(tag, "xMin"), attribute(tag, "yMin"), attribute(tag, "yMax"), ""});
    } else if (tag.starts_with("<word ") && !blocks.empty() && !blocks.back().lines.empty()) {
      auto close = x.find("</word>", end);
      if (close == std::string_view::npos) break;
      std::string& line = blocks.back().lines.back().text;
      if (!line.empty()) line += ' ';
      line += decode_entities(x.substr(end + 1, close - end - 1));
      at = close;
    }
  }
  std::erase_if(blocks, [](const PdfBlock& b) { return b.lines.empty(); });
  return blocks;
}

// The most common value, rounded to half points.
double most_common(const std::vector<double>& values) {
  std::map<long, int> counts;
  for (double v : values) ++counts[std::lround(v * 2)];
  auto best = std::max_element(counts.begin(), counts.end(),
                               [](const auto& a, const auto& b) { return a.second < b.second; });
  return best == counts.end() ? 0 : static_cast<double>(best->first) / 2;
}

// A long heading wrapped onto a second line may come as two blocks: lines
// of the same heading size, one right under the other, are one heading.
void join_wrapped_headings(std::vector<PdfBlock>* blocks, double body_height) {
  std::vector<PdfBlock> out;
  for (auto& b : *blocks) {
    if (!out.empty()) {
      const PdfLine& above = out.back().lines.back();
      const PdfLine& first = b.lines.front();
      bool heading = above.height() >= body_height * kHeadingHeightRatio;
      bool same_size = std::abs(above.height() - first.height()) < 0.5;
      bool close = first.top - above.bottom >= 0 && first.top - above.bottom < above.height() / 2;
      if (heading && same_size && close && out.back().page == b.page &&
          !ends_sentence(above.text)) {
        for (auto& l : b.lines) out.back().lines.push_back(std::move(l));
        continue;
      }
    }
    out.push_back(std::move(b));
  }
  *blocks = std::move(out);
}

// One PDF block as guide blocks: a heading, list items or a paragraph.
void pdf_block(const PdfBlock& pb, double body_height, double body_x, std::vector<Block>* out,
               Ctx& ctx) {
  std::string where = "page " + std::to_string(pb.page);
  std::string all;
  for (const auto& l : pb.lines) all += (all.empty() ? "" : " ") + l.text;
  if (is_page_number(all)) {
    ctx.note(where, "dropped '" + all + "' (a lone page number)");
    return;
  }
  if (pb.lines.front().height() >= body_height * kHeadingHeightRatio) {
    out->push_back({Kind::kHeading, tidy(all), where});
    return;
  }
  bool list = pb.x > body_x + kListIndentPoints;
  for (const auto& l : pb.lines) {
    auto marker = list_marker(l.text);
    bool new_item = list && !starts_lower(l.text);
    if (&l == &pb.lines.front() || marker || new_item) {
      Kind kind = marker || list ? Kind::kItem : Kind::kParagraph;
      std::string text = marker ? std::string(marker->second) : l.text;
      out->push_back({kind, tidy(text), where, marker ? marker->first : "- "});
    } else {
      join_line(&out->back().text, l.text, where, ctx);
    }
  }
}

// A paragraph cut by a page break goes on: joined when the first part does
// not end a sentence and the next starts in lower case.
void join_continued(std::vector<Block>* blocks, Ctx& ctx) {
  std::vector<Block> out;
  for (auto& b : *blocks) {
    if (!out.empty() && b.kind == Kind::kParagraph && out.back().kind != Kind::kHeading &&
        !ends_sentence(out.back().text) && starts_lower(b.text)) {
      join_line(&out.back().text, b.text, b.where, ctx);
    } else {
      out.push_back(std::move(b));
    }
  }
  *blocks = std::move(out);
}

}  // namespace

TextStyle detect_text_style(std::string_view text) {
  return style_of(split_lines(text));
}

Result<ImportedGuide> import_text(std::string_view input, const ImportOptions& options) {
  Ctx ctx{options, {}};
  std::string utf8 = as_utf8(input, ctx);
  std::vector<Line> lines = split_lines(utf8);
  TextStyle style = style_of(lines);
  ctx.note("", style == TextStyle::kBlankSeparated
                   ? "layout: paragraphs of wrapped lines between blank lines"
                   : "layout: one paragraph per line");
  std::vector<Block> blocks = text_blocks(lines, style, ctx);
  if (blocks.empty()) return Error{"no text to make a guide of"};
  std::string title = take_title(&blocks, ctx);
  mark_headings(&blocks);
  return finish(std::move(title), std::move(blocks), ctx);
}

Result<ImportedGuide> import_pandoc_json(std::string_view text, const ImportOptions& options) {
  Ctx ctx{options, {}};
  json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("blocks")) {
    return Error{"not a pandoc JSON document"};
  }
  PandocWalker walker(ctx);
  std::string meta_title;
  if (doc.contains("meta") && doc["meta"].is_object() && doc["meta"].contains("title")) {
    const json& t = doc["meta"]["title"];
    if (t.is_object() && t.value("t", "") == "MetaInlines") meta_title = walker.inlines(t["c"]);
    if (t.is_object() && t.value("t", "") == "MetaString" && t["c"].is_string()) {
      meta_title = tidy(t["c"].get<std::string>());
    }
  }
  walker.blocks(doc["blocks"]);
  std::vector<Block> blocks = walker.take();
  if (blocks.empty()) return Error{"no text to make a guide of"};
  std::string title = pandoc_title(&blocks, meta_title, ctx);
  return finish(std::move(title), std::move(blocks), ctx);
}

Result<ImportedGuide> import_pdf_layout(std::string_view xhtml, const ImportOptions& options) {
  Ctx ctx{options, {}};
  std::vector<PdfBlock> layout = read_layout(xhtml);
  std::vector<double> heights, xs;
  for (const auto& b : layout) {
    for (const auto& l : b.lines) heights.push_back(l.height());
    xs.push_back(b.x);
  }
  double body_height = most_common(heights), body_x = most_common(xs);
  join_wrapped_headings(&layout, body_height);
  std::vector<Block> blocks;
  for (const auto& pb : layout) pdf_block(pb, body_height, body_x, &blocks, ctx);
  join_continued(&blocks, ctx);
  if (blocks.empty()) return Error{"no text to make a guide of"};
  std::string title;
  if (blocks.front().kind == Kind::kHeading) {
    title = blocks.front().text;
    ctx.note(blocks.front().where, "title '" + title + "' (the first heading)");
    blocks.erase(blocks.begin());
  } else {
    title = ctx.options.fallback_title;
    ctx.note("", "no title heading; using '" + title + "'");
  }
  return finish(std::move(title), std::move(blocks), ctx);
}

}  // namespace guidechat::knowledge
