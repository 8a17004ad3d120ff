// guidechat: one binary, one subcommand per job (ask, check, chat, graph,
// serve, gaps). Each subcommand lives in its own cmd_*.cpp and registers
// itself here.
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"guidechat - a guided assistant for a clinic's patient guide"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "guidechat 0.1.0");
  guidechat::cli::register_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return guidechat::cli::exit_code();
}
