// `guidechat ask "QUESTION"`: answers one question and exits, fast enough for
// a shell loop. It opens a fresh conversation and sends the question as a
// `say`, so the answer is exactly what the chat would give (red flags win,
// symptom descriptions offer the check, out-of-scope questions fall back).
// For a person it prints the parts as text; with --json it prints the
// protocol's `reply` object, the same one a fresh WebSocket session gets.
//
// Exit codes: 0 answered, 1 the guide does not cover the question (a
// fallback was printed), 2 bad usage or the content could not be loaded.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "common/limits.hpp"
#include "common/text.hpp"
#include "protocol/codec.hpp"
#include "session/content.hpp"
#include "session/conversation.hpp"

namespace guidechat::cli {

namespace {

constexpr int kExitFallback = 1;
constexpr int kExitError = 2;

struct AskArgs {
  std::vector<std::string> words;
  std::string knowledge_dir;
  std::string dialogs_dir;
  std::string db_path;
  bool json = false;
  bool explain = false;
};

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
  // The protocol caps a `say`; a longer question is cut, not refused, so a
  // pasted paragraph still gets an answer.
  question = std::string(text::truncate_utf8(question, limits::kMaxSayBytes));

  auto content = session::load_content({args.knowledge_dir, args.dialogs_dir, args.db_path});
  if (!content) {
    std::cerr << "guidechat ask: cannot load the content: " << content.error() << "\n";
    set_exit_code(kExitError);
    return;
  }
  auto sealer = sealer_from_env();
  if (!sealer) {
    std::cerr << "guidechat ask: " << sealer.error() << "\n";
    set_exit_code(kExitError);
    return;
  }
  if (args.explain) {
    const auto& flows = *(*content)->flows;
    const auto analysis = flows.analyzer().analyze(question);
    const auto found = flows.safety().check(analysis, false);
    std::cerr << "--- analysis ---\n" << flows.analyzer().explain(analysis) << "safety:";
    for (const auto* e : found.emergencies) std::cerr << " emergency " << e->id;
    for (const auto& s : found.urgent_signs) std::cerr << " urgent-sign " << s;
    std::cerr << (found.any() ? "" : " nothing") << "\n";
    const auto u = (*content)->engine->understand(question);
    static const char* kRequests[] = {"none", "summary", "reset", "contact", "symptom check"};
    std::cerr << "request: " << kRequests[static_cast<int>(u.request)]
              << (u.off_topic.empty() ? "" : "; not the guides' topic: " + u.off_topic)
              << (u.symptoms ? "; tells of symptoms" : "") << "\n";
    for (const auto& q : u.questions) {
      std::cerr << "--- question" << (q.doctor ? " (when to see a doctor)" : "")
                << (q.about ? " (about the topic)" : "") << ": " << q.text << "\n  asks for:";
      for (const auto& h : q.hints) std::cerr << " " << h;
      std::cerr << "\n" << (*content)->index->explain(q.search_text());
    }
  }

  const dialog::Engine& engine = *(*content)->engine;
  session::Conversation conversation(
      *sealer, std::chrono::duration_cast<std::chrono::seconds>(limits::kSessionTtl));
  auto now = session::Clock::now();
  (void)conversation.welcome(engine, now);
  nlohmann::json request{{"type", "say"}, {"text", question}};
  session::TurnResult out = conversation.handle(
      request.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), engine, now);
  if (out.error) {
    auto frame = nlohmann::json::parse(out.frame);
    std::cerr << "guidechat ask: " << frame.value("message", "cannot answer") << "\n";
    set_exit_code(kExitError);
    return;
  }
  if (args.json) {
    std::cout << out.frame << "\n";
  } else {
    print_parts(out.parts);
  }
  set_exit_code(out.fallback ? kExitFallback : 0);
}

}  // namespace

void add_ask_command(CLI::App& app) {
  auto args = std::make_shared<AskArgs>();
  CLI::App* cmd = app.add_subcommand(
      "ask",
      "Answer one question from the guide and exit (what a fresh chat would reply).\n"
      "Exit code: 0 answered, 1 not covered by the guide (suggestions printed), 2 error.");
  cmd->add_option("question", args->words, "The question (quote it, or pass several words)")
      ->required();
  cmd->add_flag("--json", args->json, "Print the protocol's reply object");
  cmd->add_flag("--explain", args->explain,
                "Also print to stderr how the message was analysed and searched");
  add_content_options(cmd, &args->knowledge_dir, &args->dialogs_dir);
  cmd->add_option("--db", args->db_path, "Also write the search index to this SQLite file")
      ->envname("GUIDECHAT_DB");
  cmd->callback([args] { run_ask(*args); });
}

}  // namespace guidechat::cli
