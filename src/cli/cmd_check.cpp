// `guidechat check`: validates what a clinic edits as data — the guides in
// knowledge/ and the flows in dialogs/ — and prints every problem as
// `file:line: message` or `file: flow/node: message`.
//
// --coverage also runs the conversation tests (tests/conversations/*.json)
// through session::Conversation (session/transcript.hpp) and reports which
// flow nodes and options they visit; anything below 100% fails. --via-chat
// runs the same transcripts through `guidechat chat --jsonl` in a child
// process, the protocol as a client sees it.
//
// Exit codes: 0 clean, 1 problems found (or a transcript failed, or
// coverage below 100%).
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "dialog/flow.hpp"
#include "knowledge/knowledge_base.hpp"
#include "session/content.hpp"
#include "session/transcript.hpp"

namespace guidechat::cli {

namespace {

struct CheckArgs {
  std::string knowledge_dir;
  std::string dialogs_dir;
  std::string conversations_dir;
  bool coverage = false;
  bool via_chat = false;
};

// Runs `guidechat chat --jsonl` as a child and talks to it over pipes: one
// line out, one line back.
class ChatProcessDriver : public session::Driver {
 public:
  ChatProcessDriver(const CheckArgs& args) : args_(args) {}
  ~ChatProcessDriver() override { stop(); }

  nlohmann::json open() override {
    std::signal(SIGPIPE, SIG_IGN);  // a child that died must fail the test, not kill us
    int to_child[2], from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      dup2(to_child[0], 0);
      dup2(from_child[1], 1);
      close(to_child[1]);
      close(from_child[0]);
      execl("/proc/self/exe", "guidechat", "chat", "--jsonl", "--knowledge",
            args_.knowledge_dir.c_str(), "--dialogs", args_.dialogs_dir.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    in_ = fdopen(to_child[1], "w");
    out_ = fdopen(from_child[0], "r");
    return read_line();
  }

  nlohmann::json send(const std::string& frame) override {
    std::fputs(frame.c_str(), in_);
    std::fputc('\n', in_);
    std::fflush(in_);
    return read_line();
  }

 private:
  nlohmann::json read_line() {
    std::string line;
    for (int c; (c = std::fgetc(out_)) != EOF && c != '\n';) line.push_back(static_cast<char>(c));
    if (line.empty()) throw std::runtime_error("guidechat chat --jsonl sent no line");
    return nlohmann::json::parse(line);
  }

  void stop() {
    if (in_ != nullptr) std::fclose(in_);
    if (out_ != nullptr) std::fclose(out_);
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
    in_ = out_ = nullptr;
    pid_ = -1;
  }

  const CheckArgs& args_;
  pid_t pid_ = -1;
  FILE* in_ = nullptr;
  FILE* out_ = nullptr;
};

std::string percent(std::size_t covered, std::size_t total) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(1) << (total == 0 ? 100.0 : 100.0 * covered / total) << "%";
  return o.str();
}

// Runs the transcripts; false on any failure or missing coverage.
bool run_coverage(const CheckArgs& args) {
  session::ContentPaths paths;
  paths.knowledge = args.knowledge_dir;
  paths.dialogs = args.dialogs_dir;
  auto content = session::load_content(paths);
  if (!content.ok()) {
    std::cout << "coverage: cannot load the content: " << content.error() << "\n";
    return false;
  }
  auto transcripts = session::load_transcripts(args.conversations_dir);
  if (!transcripts.ok()) {
    std::cout << transcripts.error() << "\n";
    return false;
  }
  const dialog::FlowSet& flows = *(*content)->flows;
  session::Coverage coverage;
  bool ok = true;
  std::size_t passed = 0;
  for (const auto& t : *transcripts) {
    std::vector<std::string> failures;
    {
      session::ConversationDriver driver(*(*content)->engine, &coverage);
      failures = session::run_transcript(t, driver);
    }
    if (failures.empty() && args.via_chat) {
      ChatProcessDriver driver(args);
      try {
        failures = session::run_transcript(t, driver);
      } catch (const std::exception& e) {
        failures.push_back(t.file + ": guidechat chat --jsonl: " + e.what());
      }
      for (auto& f : failures) f = "(via chat --jsonl) " + f;
    }
    for (const auto& f : failures) std::cout << f << "\n";
    if (failures.empty()) ++passed;
    ok = ok && failures.empty();
  }
  std::cout << "conversations: " << passed << "/" << transcripts->size() << " passed"
            << (args.via_chat ? " (session::Conversation and chat --jsonl)" : "") << "\n";
  for (const auto& f : flows.flows()) {
    // Per-flow figures: the same visits, counted against one flow.
    auto missing = coverage.missing(flows);
    std::size_t nodes = 0, options = 0, miss_nodes = 0, miss_options = 0;
    for (const auto& n : f.nodes) {
      ++nodes;
      options += n.options.size();
    }
    for (const auto& m : missing) {
      if (m.rfind(f.id + "/", 0) != 0) continue;
      (m.find(" option ") == std::string::npos ? miss_nodes : miss_options)++;
    }
    std::cout << "coverage " << f.id << ": nodes " << nodes - miss_nodes << "/" << nodes << " ("
              << percent(nodes - miss_nodes, nodes) << "), options " << options - miss_options
              << "/" << options << " (" << percent(options - miss_options, options) << ")\n";
  }
  auto c = coverage.counts(flows);
  std::cout << "coverage total: nodes " << c[0] << "/" << c[1] << " (" << percent(c[0], c[1])
            << "), options " << c[2] << "/" << c[3] << " (" << percent(c[2], c[3]) << ")\n";
  for (const auto& m : coverage.missing(flows)) std::cout << "not covered: " << m << "\n";
  return ok && c[0] == c[1] && c[2] == c[3];
}

void run_check(const CheckArgs& args) {
  std::size_t problems = 0;
  auto kfindings = knowledge::KnowledgeBase::check(args.knowledge_dir);
  for (const auto& f : kfindings) {
    std::cout << f.file << (f.line > 0 ? ":" + std::to_string(f.line) : "") << ": " << f.message
              << "\n";
  }
  problems += kfindings.size();
  auto kb = knowledge::KnowledgeBase::load(args.knowledge_dir);
  if (!kb.ok()) {
    if (kfindings.empty()) std::cout << args.knowledge_dir << ": " << kb.error() << "\n";
    std::cout << args.dialogs_dir << ": not checked: the knowledge does not load\n";
    set_exit_code(1);
    return;
  }
  auto ffindings = dialog::FlowSet::check(args.dialogs_dir, **kb);
  std::size_t warnings = 0;
  for (const auto& f : ffindings) {
    std::cout << f.file << (f.line > 0 ? ":" + std::to_string(f.line) : "") << ": "
              << (f.warning ? "warning: " : "") << (f.where.empty() ? "" : f.where + ": ")
              << f.message << "\n";
    (f.warning ? warnings : problems)++;
  }
  if (problems == 0) {
    std::cout << "ok: " << args.knowledge_dir << " and " << args.dialogs_dir << " are clean"
              << (warnings > 0 ? " (" + std::to_string(warnings) + " warnings)" : "") << "\n";
  } else {
    std::cout << problems << " problem" << (problems == 1 ? "" : "s") << " found\n";
  }
  bool covered = true;
  if (args.coverage && problems == 0) covered = run_coverage(args);
  set_exit_code(problems == 0 && covered ? 0 : 1);
}

}  // namespace

void add_check_command(CLI::App& app) {
  auto args = std::make_shared<CheckArgs>();
  args->conversations_dir = std::string(GUIDECHAT_DATA_DIR) + "/tests/conversations";
  CLI::App* cmd = app.add_subcommand(
      "check",
      "Validate knowledge/ and dialogs/: prints file:line: problem; exit 1 when any.\n"
      "--coverage also runs the conversation tests and fails below 100% node/option coverage.");
  add_content_options(cmd, &args->knowledge_dir, &args->dialogs_dir);
  cmd->add_flag("--coverage", args->coverage,
                "Run the conversation tests and report flow node/option coverage");
  cmd->add_option("--conversations", args->conversations_dir,
                  "Directory of conversation tests (*.json)")
      ->capture_default_str();
  cmd->add_flag("--via-chat", args->via_chat,
                "With --coverage: also run each conversation through `guidechat chat --jsonl`");
  cmd->callback([args] { run_check(*args); });
}

}  // namespace guidechat::cli
