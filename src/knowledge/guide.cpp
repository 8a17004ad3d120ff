#include "knowledge/guide.hpp"

#include <filesystem>
#include <map>

#include "common/limits.hpp"
#include "common/text.hpp"

namespace guidechat::knowledge {

namespace {

bool is_list_item(std::string_view line) {
  if (line.size() >= 2 && (line[0] == '-' || line[0] == '*' || line[0] == '+') && line[1] == ' ') {
    return true;
  }
  std::size_t i = 0;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
  return i > 0 && i + 1 < line.size() && (line[i] == '.' || line[i] == ')') && line[i + 1] == ' ';
}

// "Heading {#id}" -> ("Heading", "id"); no explicit id -> (heading, "").
std::pair<std::string, std::string> split_heading(std::string_view heading) {
  heading = text::trim(heading);
  if (!heading.empty() && heading.back() == '}') {
    auto open = heading.rfind("{#");
    if (open != std::string_view::npos) {
      std::string id(heading.substr(open + 2, heading.size() - open - 3));
      return {std::string(text::trim(heading.substr(0, open))), std::string(text::trim(id))};
    }
  }
  return {std::string(heading), ""};
}

// Cuts a long paragraph into pieces of at most kMaxPassageChars, at sentence
// ends where possible, else at spaces, else (one huge word) anywhere on a
// UTF-8 boundary.
std::vector<std::string> split_long(const std::string& s) {
  const std::size_t max = limits::kMaxPassageChars;
  std::vector<std::string> out;
  std::string_view rest = s;
  while (rest.size() > max) {
    std::string_view window = text::truncate_utf8(rest, max);
    std::size_t cut = std::string_view::npos;
    for (std::size_t i = window.size(); i-- > 1;) {
      char c = window[i - 1];
      if ((c == '.' || c == '?' || c == '!') && (window[i] == ' ' || window[i] == '\n')) {
        cut = i;
        break;
      }
    }
    if (cut == std::string_view::npos || cut < max / 4) {
      auto space = window.find_last_of(" \n");
      cut = (space != std::string_view::npos && space > 0) ? space : window.size();
    }
    if (cut == 0) cut = window.size() ? window.size() : rest.size();
    out.emplace_back(text::trim(rest.substr(0, cut)));
    rest = text::trim(rest.substr(cut));
  }
  if (!rest.empty()) out.emplace_back(rest);
  return out;
}

struct Block {
  std::string text;
  int line = 0;
  bool list = false;
};

}  // namespace

std::string Section::text() const {
  std::string out;
  for (const auto& p : passages) {
    if (!out.empty()) out += "\n\n";
    out += p.text;
  }
  return out;
}

std::string slugify(std::string_view heading) {
  std::string out;
  bool dash = false;
  for (unsigned char c : heading) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (dash && !out.empty()) out.push_back('-');
      out.push_back(static_cast<char>(c));
      dash = false;
    } else if (c >= 'A' && c <= 'Z') {
      if (dash && !out.empty()) out.push_back('-');
      out.push_back(static_cast<char>(c - 'A' + 'a'));
      dash = false;
    } else if (c == '\'' || c >= 0x80) {
      // Apostrophes vanish ("Bell's" -> "bells"); other non-ASCII is dropped
      // so ids stay plain ASCII.
    } else {
      dash = true;
    }
  }
  return out;
}

Guide parse_guide(std::string_view markdown, std::string_view file,
                  std::vector<Finding>* findings) {
  Guide guide;
  guide.file = std::string(file);
  guide.id = std::filesystem::path(std::string(file)).stem().string();
  auto report = [&](int line, std::string message) {
    if (findings) findings->push_back({guide.file, line, std::move(message)});
  };

  std::vector<Block> blocks;  // of the current section
  auto flush_section = [&] {
    if (guide.sections.empty()) {
      blocks.clear();
      return;
    }
    Section& sec = guide.sections.back();
    for (std::size_t i = 0; i < blocks.size(); ++i) {
      Block b = blocks[i];
      // A lead-in sentence and the list right after it make one passage.
      bool lead_in = !b.list && !b.text.empty() && b.text.back() == ':';
      if (lead_in && i + 1 < blocks.size() && blocks[i + 1].list &&
          b.text.size() + 1 + blocks[i + 1].text.size() <= limits::kMaxPassageChars) {
        b.text += "\n" + blocks[i + 1].text;
        ++i;
      }
      for (auto& piece : split_long(b.text)) sec.passages.push_back({std::move(piece), b.line});
    }
    blocks.clear();
    if (sec.passages.empty()) report(sec.line, "section '" + sec.id + "' has no text");
  };

  std::map<std::string, int> ids;  // id -> line of first use
  bool in_paragraph = false;
  bool text_before_reported = false;
  int line_no = 0;
  std::size_t pos = 0;
  while (pos <= markdown.size()) {
    auto nl = markdown.find('\n', pos);
    if (nl == std::string_view::npos) nl = markdown.size();
    std::string_view raw = markdown.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    std::string_view line = text::trim(raw);

    if (line.empty()) {
      in_paragraph = false;
      if (nl == markdown.size()) break;
      continue;
    }
    if (line.starts_with("## ") || line == "##") {
      flush_section();
      in_paragraph = false;
      auto [title, id] = split_heading(line.substr(2));
      if (id.empty()) id = slugify(title);
      Section sec;
      sec.guide = guide.id;
      sec.id = id;
      sec.title = title;
      sec.file = guide.file;
      sec.line = line_no;
      if (title.empty()) report(line_no, "section heading has no title");
      if (id.empty()) {
        report(line_no, "section '" + title + "' has an empty id");
      } else if (auto it = ids.find(id); it != ids.end()) {
        report(line_no, "duplicate section id '" + id + "' (first used on line " +
                            std::to_string(it->second) + ")");
      } else {
        ids.emplace(id, line_no);
      }
      guide.sections.push_back(std::move(sec));
      if (nl == markdown.size()) break;
      continue;
    }
    if (line.starts_with("# ") && guide.title.empty() && guide.sections.empty()) {
      guide.title = std::string(text::trim(line.substr(2)));
      in_paragraph = false;
      continue;
    }
    if (guide.sections.empty()) {
      if (!text_before_reported) {
        report(line_no, "text before the first section (a section starts with '## Heading')");
        text_before_reported = true;
      }
      continue;
    }
    // Sub-headings ("### x") are kept as text of their own.
    std::string_view body = line;
    bool heading = false;
    if (body.starts_with('#')) {
      body.remove_prefix(body.find_first_not_of('#') == std::string_view::npos
                             ? body.size()
                             : body.find_first_not_of('#'));
      body = text::trim(body);
      heading = true;
    }
    bool item = !heading && is_list_item(body);
    bool continues = in_paragraph && !blocks.empty() && !heading;
    if (item && !blocks.empty() && blocks.back().list && (continues || !in_paragraph)) {
      blocks.back().text += "\n";  // next item of the same list
      blocks.back().text += body;
    } else if (continues && !item) {
      blocks.back().text += " ";  // a wrapped line of the same paragraph or item
      blocks.back().text += body;
    } else {
      blocks.push_back({std::string(body), line_no, item});
    }
    in_paragraph = !heading;
    if (nl == markdown.size()) break;
  }
  flush_section();
  if (guide.title.empty()) report(1, "the guide has no title (a first line '# Title')");
  if (guide.sections.empty()) report(1, "the guide has no sections ('## Heading')");
  return guide;
}

}  // namespace guidechat::knowledge
