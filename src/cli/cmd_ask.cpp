// `guidechat ask "QUESTION"`: answers one question from the guide and exits,
// fast enough for a shell loop. For a person it prints the passage and the
// section it comes from (or what the guide covers instead); with --json it
// prints the protocol's `reply` object.
//
// Exit codes: 0 answered, 1 the guide does not cover the question (a
// fallback was printed), 2 bad usage or the knowledge could not be loaded.
//
// NOTE: the reply is built from the search index directly, the way the
// dialog engine answers a free question outside a flow; `session` is empty
// because no conversation is opened. Once `ask` goes through
// session::Conversation, --json is exactly a fresh session's reply.
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "knowledge/index.hpp"
#include "knowledge/knowledge_base.hpp"
#include "protocol/codec.hpp"
#include "protocol/message.hpp"

namespace guidechat::cli {

namespace {

// Shown when the guide does not cover a question.
constexpr const char* kNotInGuide =
    "Sorry, the guide does not cover that. You could ask about one of these topics:";
constexpr int kExitFallback = 1;
constexpr int kExitError = 2;

struct AskArgs {
  std::vector<std::string> words;
  std::string knowledge_dir;
  std::string db_path;
  bool json = false;
  bool explain = false;
};

std::string default_knowledge_dir() {
  if (const char* env = std::getenv("GUIDECHAT_KNOWLEDGE"); env && *env) return env;
  return std::string(GUIDECHAT_DATA_DIR) + "/knowledge";
}

std::vector<protocol::Part> reply_parts(const knowledge::SearchResult& r) {
  std::vector<protocol::Part> parts;
  if (r.in_scope && !r.hits.empty() && r.hits.front().section != nullptr) {
    const auto& top = r.hits.front();
    parts.push_back(
        protocol::Part::Answer(top.text, {top.section->id, top.section->title}, top.score));
  } else {
    parts.push_back(protocol::Part::Fallback(kNotInGuide, r.suggestions));
  }
  return parts;
}

void print_for_person(const std::vector<protocol::Part>& parts) {
  for (const auto& p : parts) {
    if (p.type == protocol::PartType::kAnswer) {
      std::cout << p.text << "\n\n  (from the guide, section \"" << p.source.title << "\")\n";
    } else if (p.type == protocol::PartType::kFallback) {
      std::cout << p.text << "\n";
      for (const auto& s : p.suggestions) std::cout << "  - " << s << "\n";
    }
  }
}

void run_ask(const AskArgs& args) {
  std::string question;
  for (const auto& w : args.words) {
    if (!question.empty()) question += ' ';
    question += w;
  }
  if (question.find_first_not_of(" \t\r\n") == std::string::npos) {
    std::cerr << "guidechat ask: no question given (usage: guidechat ask \"QUESTION\")\n";
    set_exit_code(kExitError);
    return;
  }
  auto kb = knowledge::KnowledgeBase::load(args.knowledge_dir);
  if (!kb) {
    std::cerr << "guidechat ask: cannot load the knowledge in " << args.knowledge_dir << ": "
              << kb.error() << "\n";
    set_exit_code(kExitError);
    return;
  }
  knowledge::Index::Options options;
  options.db_path = args.db_path;
  auto index = knowledge::Index::build(*kb, options);
  if (!index) {
    std::cerr << "guidechat ask: cannot build the search index: " << index.error() << "\n";
    set_exit_code(kExitError);
    return;
  }
  if (args.explain) std::cerr << (*index)->explain(question);
  auto result = (*index)->search(question, 3);
  auto parts = reply_parts(result);
  if (args.json) {
    std::cout << protocol::build_reply(protocol::MessageId{}, "", parts) << "\n";
  } else {
    print_for_person(parts);
  }
  set_exit_code(parts.front().type == protocol::PartType::kAnswer ? 0 : kExitFallback);
}

}  // namespace

void add_ask_command(CLI::App& app) {
  auto args = std::make_shared<AskArgs>();
  args->knowledge_dir = default_knowledge_dir();
  CLI::App* cmd = app.add_subcommand(
      "ask",
      "Answer one question from the guide and exit.\n"
      "Exit code: 0 answered, 1 not covered by the guide (suggestions printed), 2 error.");
  cmd->add_option("question", args->words, "The question (quote it, or pass several words)")
      ->required();
  cmd->add_flag("--json", args->json, "Print the protocol's reply object");
  cmd->add_flag("--explain", args->explain,
                "Also print to stderr how search understood the question");
  cmd->add_option("--knowledge", args->knowledge_dir, "Directory of guides (*.md)")
      ->envname("GUIDECHAT_KNOWLEDGE")
      ->capture_default_str();
  cmd->add_option("--db", args->db_path, "Also write the search index to this SQLite file")
      ->envname("GUIDECHAT_DB");
  cmd->callback([args] { run_ask(*args); });
}

}  // namespace guidechat::cli
