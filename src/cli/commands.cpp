#include "cli/commands.hpp"

namespace guidechat::cli {

namespace {
int g_exit_code = 0;
}  // namespace

// Each command file defines its add_*_command; list them here.
void add_serve_command(CLI::App& app);
void add_gaps_command(CLI::App& app);
void add_ask_command(CLI::App& app);
void add_check_command(CLI::App& app);
void add_graph_command(CLI::App& app);
void add_chat_command(CLI::App& app);
void add_import_command(CLI::App& app);

void register_commands(CLI::App& app) {
  add_serve_command(app);
  add_gaps_command(app);
  add_ask_command(app);
  add_check_command(app);
  add_graph_command(app);
  add_chat_command(app);
  add_import_command(app);
}

int exit_code() {
  return g_exit_code;
}
void set_exit_code(int code) {
  g_exit_code = code;
}

}  // namespace guidechat::cli
