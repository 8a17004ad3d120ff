// `guidechat import FILE [--id ID] [-o OUT]`: turns a clinic's document
// (.txt, .md, .html/.htm, .docx, .odt, .pdf) into a guide in knowledge/'s
// Markdown form. The formats go through Debian's tools (pandoc to its JSON
// AST, pdftotext to its page layout; cli/tool_runner.hpp), the text through
// knowledge/importer.hpp. The guide goes to OUT (stdout without -o, or with
// `-o -`); what the importer decided (title, headings, dropped text,
// re-joined words) goes to stderr.
//
// Exit codes: 0 written, 2 usage (unknown extension, missing file, cannot
// write OUT), 3 conversion tool missing or failed, 4 nothing usable.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/tool_runner.hpp"
#include "common/limits.hpp"
#include "knowledge/guide.hpp"
#include "knowledge/importer.hpp"
#include "language/lexicon.hpp"

namespace guidechat::cli {

namespace {

constexpr int kExitUsage = 2;
constexpr int kExitTool = 3;
constexpr int kExitNothing = 4;

struct ImportArgs {
  std::string file;
  std::string id;
  std::string out;
};

// How a document becomes text: read as is, or through a tool.
enum class Route { kText, kPandoc, kPdf };

struct Format {
  Route route = Route::kText;
  std::string pandoc_reader;  // pandoc's -f
};

// By extension; nullopt for one we do not read.
std::optional<Format> format_of(std::string ext) {
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // pandoc's markdown reader without `smart`: straight quotes and "--" stay as written.
  if (ext == ".txt") return Format{Route::kText, ""};
  if (ext == ".md" || ext == ".markdown") return Format{Route::kPandoc, "markdown-smart"};
  if (ext == ".html" || ext == ".htm") return Format{Route::kPandoc, "html"};
  if (ext == ".docx") return Format{Route::kPandoc, "docx"};
  if (ext == ".odt") return Format{Route::kPandoc, "odt"};
  if (ext == ".pdf") return Format{Route::kPdf, ""};
  return std::nullopt;
}

int fail(int code, const std::string& message) {
  std::cerr << "guidechat import: " << message << "\n";
  set_exit_code(code);
  return code;
}

Result<std::string> read_bounded(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Error{file.string() + ": cannot read the file"};
  std::string data;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    data.append(buf, static_cast<std::size_t>(in.gcount()));
    if (data.size() > limits::kMaxImportFileBytes) return Error{file.string() + ": too large"};
  }
  return data;
}

// A path as an argument no tool takes for an option ("-x.pdf" -> "./-x.pdf").
std::string as_argument(const std::filesystem::path& file) {
  std::string s = file.string();
  return s.starts_with("-") ? "./" + s : s;
}

ToolCall tool_call(std::vector<std::string> argv, std::string package) {
  return {std::move(argv), std::move(package),
          std::chrono::duration_cast<std::chrono::milliseconds>(limits::kImportToolTimeout),
          limits::kMaxImportToolOutputBytes};
}

// The document through its route into the importer; tool failures keep
// their own error (exit 3), the importer's mean nothing usable (exit 4).
int convert(const std::filesystem::path& file, const Format& format,
            const knowledge::ImportOptions& options, Result<knowledge::ImportedGuide>* guide) {
  if (format.route == Route::kText) {
    auto text = read_bounded(file);
    if (!text) return fail(kExitUsage, text.error());
    *guide = knowledge::import_text(*text, options);
    return 0;
  }
  auto out =
      format.route == Route::kPandoc
          ? run_tool(tool_call(
                {"pandoc", "-f", format.pandoc_reader, "-t", "json", as_argument(file)}, "pandoc"))
          : run_tool(
                tool_call({"pdftotext", "-bbox-layout", "-enc", "UTF-8", as_argument(file), "-"},
                          "poppler-utils"));
  if (!out) return fail(kExitTool, out.error());
  *guide = format.route == Route::kPandoc ? knowledge::import_pandoc_json(*out, options)
                                          : knowledge::import_pdf_layout(*out, options);
  return 0;
}

// "facial-spasm_v2" -> "facial spasm v2": the title when a document has none.
std::string title_from_stem(std::string stem) {
  std::replace_if(
      stem.begin(), stem.end(), [](char c) { return c == '-' || c == '_'; }, ' ');
  return stem;
}

void report(const knowledge::ImportedGuide& guide, const std::string& id) {
  for (const auto& n : guide.notes) {
    std::cerr << "guidechat import: " << (n.where.empty() ? "" : n.where + ": ") << n.message
              << "\n";
  }
  std::cerr << "guidechat import: guide id '" << id << "' (knowledge/" << id << ".md)\n";
  std::cerr << guide.sections << " sections, " << guide.passages << " passages\n";
}

void run_import(const ImportArgs& args) {
  std::filesystem::path file(args.file);
  auto format = format_of(file.extension().string());
  if (!format) {
    fail(kExitUsage, file.string() + ": unknown extension '" + file.extension().string() +
                         "' (use .txt, .md, .html, .htm, .docx, .odt or .pdf)");
    return;
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    fail(kExitUsage, file.string() + ": no such file");
    return;
  }
  std::string id = args.id.empty() ? knowledge::slugify(file.stem().string()) : args.id;
  if (id.empty()) {
    fail(kExitUsage, "cannot make an id from the file name; give --id");
    return;
  }
  auto lexicon = language::Lexicon::load(language::default_lang_dir());
  if (!lexicon) std::cerr << "guidechat import: " << lexicon.error() << " (no word re-joining)\n";
  knowledge::ImportOptions options;
  if (lexicon) options.is_word = [&](std::string_view w) { return lexicon->word_class(w) > 0; };
  options.fallback_title = title_from_stem(file.stem().string());
  Result<knowledge::ImportedGuide> guide = Error{""};
  if (convert(file, *format, options, &guide) != 0) return;
  if (!guide) {
    fail(kExitNothing, file.string() + ": " + guide.error());
    return;
  }
  report(*guide, id);
  if (args.out.empty() || args.out == "-") {
    std::cout << guide->markdown << std::flush;
    return;
  }
  std::ofstream out(args.out, std::ios::binary | std::ios::trunc);
  out << guide->markdown;
  out.close();
  if (!out) fail(kExitUsage, args.out + ": cannot write the file");
}

}  // namespace

void add_import_command(CLI::App& app) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* cmd = app.add_subcommand(
      "import",
      "Turn a document (.txt .md .html .docx .odt .pdf) into a guide in knowledge/'s form.\n"
      "The guide goes to stdout (or -o OUT); what was decided goes to stderr.\n"
      "Exit codes: 0 ok, 2 usage, 3 conversion tool missing or failed, 4 no usable text.");
  cmd->add_option("file", args->file, "The document")->required();
  cmd->add_option("--id", args->id, "The guide's id (default: from the file name)");
  cmd->add_option("-o,--output", args->out, "Where to write the guide ('-' or none: stdout)");
  cmd->callback([args] { run_import(*args); });
}

}  // namespace guidechat::cli
