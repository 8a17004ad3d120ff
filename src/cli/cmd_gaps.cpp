// `guidechat gaps FILE...`: the top content gaps from one or more gap reports
// (`serve --gap-report`, one file per replica), so clinic staff know what to
// add to knowledge/. Reads the counts only; the files never hold a question.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "common/limits.hpp"
#include "knowledge/gap_report.hpp"

namespace guidechat::cli {

namespace {

struct GapsArgs {
  std::vector<std::string> files;
  std::size_t top = 20;
  std::uint64_t min_count = limits::kGapMinConversations;
  bool json = false;
};

constexpr const char* kGuideWordsOnly = "(only words the guide already uses)";

void run_gaps(const GapsArgs& args) {
  knowledge::GapTotals totals;
  for (const auto& file : args.files) {
    auto t = knowledge::GapTotals::read(file);
    if (!t.ok()) {
      std::cerr << "guidechat gaps: " << t.error() << "\n";
      set_exit_code(1);
      return;
    }
    totals.merge(*t);
  }
  auto top = totals.top(args.top, args.min_count);
  if (args.json) {
    nlohmann::json j = {{"since", totals.since},
                        {"fallbacks", totals.fallbacks},
                        {"files", args.files.size()},
                        {"gaps", nlohmann::json::array()}};
    for (const auto& [words, count] : top)
      j["gaps"].push_back({{"words", words}, {"conversations", count}, {"count", count}});
    std::cout << j.dump(2) << "\n";
    return;
  }
  std::uint64_t shown = 0;
  for (const auto& g : top) shown += g.second;
  std::cout << "Questions the guide could not answer, since " << totals.since << " ("
            << args.files.size() << (args.files.size() == 1 ? " report" : " reports") << ")\n"
            << "  fallbacks counted: " << totals.fallbacks
            << "; conversations in the groups below: " << shown << "\n\n";
  if (top.empty()) {
    std::cout << "  No group of key words was asked in " << args.min_count
              << " conversations or more yet.\n";
    return;
  }
  std::printf("  %7s  %s\n", "people", "key words");
  for (const auto& [words, count] : top) {
    // A file may have been edited by hand: never print its bytes raw.
    std::printf("  %7llu  %s\n", static_cast<unsigned long long>(count),
                words.empty() ? kGuideWordsOnly : knowledge::printable_group(words).c_str());
  }
  std::cout << "\nAdd a section that answers these to knowledge/ (or a synonym to "
               "knowledge/synonyms.txt when the guide already covers it in other words), run "
               "`guidechat check`, then reload the server.\n";
}

}  // namespace

void add_gaps_command(CLI::App& app) {
  auto args = std::make_shared<GapsArgs>();
  CLI::App* cmd = app.add_subcommand(
      "gaps", "Print the top content gaps from gap reports written by `serve --gap-report FILE`.");
  cmd->add_option("files", args->files, "Gap report files (one per replica)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--top", args->top, "How many groups to show")->capture_default_str();
  cmd->add_option("--min-count", args->min_count,
                  "Show groups asked in at least this many conversations")
      ->capture_default_str();
  cmd->add_flag("--json", args->json, "Print JSON instead of a table");
  cmd->callback([args] { run_gaps(*args); });
}

}  // namespace guidechat::cli
