// guidechat: one binary, one subcommand per job (ask, check, chat, graph,
// serve, gaps, import). Each subcommand lives in its own cmd_*.cpp and registers
// itself here.
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "server/reload_signal.hpp"

int main(int argc, char** argv) {
  // First of all: a SIGHUP (reload) sent while `serve` starts waits until
  // the server can handle it, instead of ending the process
  // (server/reload_signal.hpp). Every other command gets it back as usual.
  guidechat::server::block_reload_signal();
  CLI::App app{"guidechat - a guided assistant for a clinic's patient guide"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "guidechat 0.1.0");
  guidechat::cli::register_commands(app);
  for (CLI::App* command : app.get_subcommands({})) {
    if (command->get_name() == "serve") continue;
    command->preparse_callback([](std::size_t) { guidechat::server::unblock_reload_signal(); });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return guidechat::cli::exit_code();
}
