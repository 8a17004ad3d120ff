// The subcommands of the guidechat binary. Each add_*_command() adds one
// subcommand to the app; its callback stores the process exit code.
//
// Thread-safety: used from main() only.
#pragma once

#include <CLI/CLI.hpp>

namespace guidechat::cli {

// Adds every subcommand (commands.cpp lists them).
void register_commands(CLI::App& app);
// The exit code set by the subcommand that ran (0 when none set one).
int exit_code();
void set_exit_code(int code);

}  // namespace guidechat::cli
