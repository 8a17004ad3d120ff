// `guidechat chat`: a conversation in the terminal. For a person: numbered
// options, typed answers in their own words, /summary, /reset, /quit. With
// --jsonl it speaks the chat protocol over stdin/stdout instead (one JSON
// object per line each way, the welcome first) through session::Conversation,
// exactly as the WebSocket server does.
//
// Exit codes: 0 at end of input or /quit, 1 the content does not load.
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "common/limits.hpp"
#include "common/text.hpp"
#include "dialog/engine.hpp"
#include "session/content.hpp"
#include "session/conversation.hpp"
#include "session/token.hpp"

namespace guidechat::cli {

namespace {

struct ChatArgs {
  session::ContentPaths paths;
  bool jsonl = false;
};

void run_jsonl(const session::Content& content) {
  auto sealer = sealer_from_env();
  if (!sealer.ok()) {
    std::cerr << "guidechat chat: " << sealer.error() << "\n";
    set_exit_code(1);
    return;
  }
  session::Conversation conv(*sealer,
                             std::chrono::duration_cast<std::chrono::seconds>(limits::kSessionTtl));
  std::cout << conv.welcome(*content.engine, session::Clock::now()).frame << "\n" << std::flush;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (text::trim(line).empty()) continue;
    session::TurnResult out = line.size() > limits::kMaxMessageBytes
                                  ? conv.refuse(protocol::ErrorCode::kTooLarge, "message too large")
                                  : conv.handle(line, *content.engine, session::Clock::now());
    std::cout << out.frame << "\n" << std::flush;
  }
}

void run_terminal(const session::Content& content) {
  const dialog::Engine& engine = *content.engine;
  auto flows = engine.flows();
  auto topics = [&] {
    std::cout << "\nTopics:\n";
    for (std::size_t i = 0; i < flows.size(); ++i) {
      std::cout << "  " << i + 1 << ") " << flows[i].title << "\n";
    }
    std::cout << "Type a topic's number, a question, or /summary, /reset, /topics, /quit.\n";
  };
  print_parts(engine.greeting());
  topics();
  dialog::State state;
  std::string line;
  while (std::cout << "\n> " << std::flush, std::getline(std::cin, line)) {
    std::string_view in = text::trim(line);
    if (in.empty()) continue;
    protocol::ClientMessage msg;
    if (in == "/quit" || in == "/exit") break;
    if (in == "/topics") {
      topics();
      continue;
    }
    if (in == "/summary") {
      msg.type = protocol::ClientType::kSummary;
    } else if (in == "/reset") {
      msg.type = protocol::ClientType::kReset;
    } else if (state.node.empty() && in.size() <= 2 &&
               in.find_first_not_of("0123456789") == std::string_view::npos &&
               std::stoul(std::string(in)) >= 1 && std::stoul(std::string(in)) <= flows.size()) {
      // Outside a flow a number picks a topic; inside one it answers the question.
      msg.type = protocol::ClientType::kStart;
      msg.flow = flows[std::stoul(std::string(in)) - 1].id;
    } else {
      msg.type = protocol::ClientType::kSay;
      msg.text = std::string(text::truncate_utf8(in, limits::kMaxSayBytes));
    }
    dialog::Turn turn = engine.handle(state, msg);
    if (turn.error) {
      std::cout << "(" << turn.error->message << ")\n";
      continue;
    }
    state = std::move(turn.state);
    print_parts(turn.parts);
  }
  std::cout << "\n";
}

void run_chat(const ChatArgs& args) {
  auto content = session::load_content(args.paths);
  if (!content.ok()) {
    std::cerr << "guidechat chat: " << content.error() << "\n";
    set_exit_code(1);
    return;
  }
  if (args.jsonl) {
    run_jsonl(**content);
  } else {
    run_terminal(**content);
  }
}

}  // namespace

void add_chat_command(CLI::App& app) {
  auto args = std::make_shared<ChatArgs>();
  auto knowledge = std::make_shared<std::string>();
  auto dialogs = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "chat",
      "Talk with the assistant in the terminal (numbered options, typed answers).\n"
      "--jsonl: speak the chat protocol over stdin/stdout, one JSON object per line.");
  cmd->add_flag("--jsonl", args->jsonl, "Speak the protocol (JSON lines) instead");
  add_content_options(cmd, knowledge.get(), dialogs.get());
  cmd->callback([args, knowledge, dialogs] {
    args->paths.knowledge = *knowledge;
    args->paths.dialogs = *dialogs;
    run_chat(*args);
  });
}

}  // namespace guidechat::cli
