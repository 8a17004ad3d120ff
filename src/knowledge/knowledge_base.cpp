#include "knowledge/knowledge_base.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace guidechat::knowledge {

namespace {

namespace fs = std::filesystem;

bool read_file(const fs::path& file, std::string* out) {
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (f == nullptr) return false;
  out->clear();
  char buf[65536];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) out->append(buf, n);
  bool ok = std::ferror(f) == 0;
  std::fclose(f);
  return ok;
}

std::string where(const Finding& f) {
  return f.file + ":" + std::to_string(f.line) + ": " + f.message;
}

// Every `*.md` of the directory, sorted by name; findings for a missing or
// unreadable directory.
std::vector<fs::path> guide_files(const fs::path& dir, std::vector<Finding>* findings) {
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    findings->push_back({dir.string(), 0, "not a readable directory"});
    return files;
  }
  fs::directory_iterator it(dir, ec), end;
  if (ec) {
    findings->push_back({dir.string(), 0, "cannot list the directory: " + ec.message()});
    return files;
  }
  for (; it != end; it.increment(ec)) {
    if (ec) break;
    if (it->path().extension() == ".md") files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) findings->push_back({dir.string(), 0, "no guides (*.md files) found"});
  return files;
}

// Reads, parses and cross-checks everything; the findings say what is wrong.
struct Loaded {
  std::vector<Guide> guides;
  Synonyms synonyms;
  Lexicon lexicon;
  language::LanguageData language;
};

Loaded load_all(const fs::path& dir, const fs::path& lang_dir, std::vector<Finding>* findings) {
  Loaded loaded;
  for (const auto& file : guide_files(dir, findings)) {
    std::string text;
    if (!read_file(file, &text)) {
      findings->push_back({file.string(), 0, "cannot read the file"});
      continue;
    }
    if (!text::valid_utf8(text)) {
      // Name the line of the first bad byte: the file was likely saved in
      // another encoding.
      std::size_t good = 0;
      int line = 1;
      for (std::size_t end = text.find('\n');; end = text.find('\n', good)) {
        std::string_view piece(text.data() + good,
                               (end == std::string::npos ? text.size() : end) - good);
        if (!text::valid_utf8(piece)) break;
        if (end == std::string::npos) break;
        good = end + 1;
        ++line;
      }
      findings->push_back({file.string(), line, "not valid UTF-8 (save the file as UTF-8)"});
      continue;
    }
    loaded.guides.push_back(parse_guide(text, file.string(), findings));
  }
  fs::path syn_file = dir / "synonyms.txt";
  std::error_code ec;
  if (fs::exists(syn_file, ec)) {
    std::string text;
    if (!read_file(syn_file, &text)) {
      findings->push_back({syn_file.string(), 0, "cannot read the file"});
    } else if (auto syn = Synonyms::parse(text, syn_file.string()); syn.ok()) {
      loaded.synonyms = std::move(*syn);
    } else {
      // parse() already names file and line; keep them apart for check.
      const std::string& msg = syn.error();
      auto colon1 = msg.find(':', syn_file.string().size());
      auto colon2 = msg.find(':', colon1 + 1);
      int line = std::atoi(msg.substr(colon1 + 1, colon2 - colon1 - 1).c_str());
      findings->push_back({syn_file.string(), line, msg.substr(colon2 + 2)});
    }
  }
  if (auto lex = Lexicon::load(lang_dir); lex.ok()) {
    loaded.lexicon = std::move(*lex);
  } else {
    findings->push_back({lang_dir.string(), 0, lex.error()});
  }
  // The concepts of the message analysis: the safety layer needs them.
  fs::path concepts = lang_dir / "concepts.json";
  if (auto data = language::load_language_data(concepts.string()); data.ok()) {
    loaded.language = std::move(*data);
  } else {
    findings->push_back({concepts.string(), 0, data.error()});
  }
  return loaded;
}

}  // namespace

Result<std::shared_ptr<const KnowledgeBase>> KnowledgeBase::from_guides(
    std::vector<Guide> guides, Synonyms synonyms, Lexicon lexicon,
    language::LanguageData language) {
  auto kb = std::make_shared<KnowledgeBase>();
  kb->guides_ = std::move(guides);
  kb->synonyms_ = std::move(synonyms);
  kb->lexicon_ = std::make_shared<const Lexicon>(std::move(lexicon));
  kb->language_ = std::move(language);
  for (const auto& g : kb->guides_) {
    for (const auto& s : g.sections) {
      if (!kb->by_id_.emplace(g.id + "/" + s.id, &s).second) {
        return Error{s.file + ":" + std::to_string(s.line) + ": duplicate section id '" + s.id +
                     "'"};
      }
      // A bare id names a section only while one guide has it.
      auto [it, fresh] = kb->by_id_.emplace(s.id, &s);
      if (!fresh) it->second = nullptr;
      kb->sections_.push_back(&s);
    }
  }
  if (kb->sections_.empty()) return Error{"the knowledge has no sections"};
  return std::shared_ptr<const KnowledgeBase>(std::move(kb));
}

Result<std::shared_ptr<const KnowledgeBase>> KnowledgeBase::load(const fs::path& dir,
                                                                 const fs::path& lang_dir) {
  std::vector<Finding> findings;
  Loaded loaded = load_all(dir, lang_dir, &findings);
  if (!findings.empty()) {
    std::string msg = where(findings.front());
    if (findings.size() > 1) {
      msg += " (and " + std::to_string(findings.size() - 1) + " more; run 'guidechat check')";
    }
    return Error{msg};
  }
  return from_guides(std::move(loaded.guides), std::move(loaded.synonyms),
                     std::move(loaded.lexicon), std::move(loaded.language));
}

std::vector<Finding> KnowledgeBase::check(const fs::path& dir, const fs::path& lang_dir) {
  std::vector<Finding> findings;
  load_all(dir, lang_dir, &findings);
  return findings;
}

const Section* KnowledgeBase::find(std::string_view section_id) const {
  auto it = by_id_.find(std::string(section_id));
  return it == by_id_.end() ? nullptr : it->second;
}

bool KnowledgeBase::ambiguous(std::string_view section_id) const {
  auto it = by_id_.find(std::string(section_id));
  return it != by_id_.end() && it->second == nullptr;
}

const Guide* KnowledgeBase::guide(std::string_view guide_id) const {
  for (const auto& g : guides_) {
    if (g.id == guide_id) return &g;
  }
  return nullptr;
}

}  // namespace guidechat::knowledge
