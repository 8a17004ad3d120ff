// `guidechat graph FLOW`: prints a flow as Graphviz DOT, e.g.
//   guidechat graph symptom-check | dot -Tsvg > docs/flows/symptom-check.svg
// Exit codes: 0 printed, 1 the dialogs do not load, 2 unknown flow.
#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "dialog/flow.hpp"
#include "dialog/graph.hpp"
#include "knowledge/knowledge_base.hpp"
#include "session/content.hpp"

namespace guidechat::cli {

namespace {

struct GraphArgs {
  std::string flow;
  std::string knowledge_dir;
  std::string dialogs_dir;
};

void run_graph(const GraphArgs& args) {
  auto kb = knowledge::KnowledgeBase::load(args.knowledge_dir);
  if (!kb.ok()) {
    std::cerr << "guidechat graph: " << kb.error() << "\n";
    set_exit_code(1);
    return;
  }
  auto flows = dialog::FlowSet::load(args.dialogs_dir, **kb);
  if (!flows.ok()) {
    std::cerr << "guidechat graph: " << flows.error() << "\n";
    set_exit_code(1);
    return;
  }
  const dialog::Flow* flow = (*flows)->find(args.flow);
  if (flow == nullptr) {
    std::cerr << "guidechat graph: no flow '" << args.flow << "'; the flows are:";
    for (const auto& f : (*flows)->flows()) std::cerr << " " << f.id;
    std::cerr << "\n";
    set_exit_code(2);
    return;
  }
  std::cout << dialog::to_dot(*flow);
}

}  // namespace

void add_graph_command(CLI::App& app) {
  auto args = std::make_shared<GraphArgs>();
  CLI::App* cmd = app.add_subcommand("graph", "Print a flow as a Graphviz DOT graph.");
  cmd->add_option("flow", args->flow, "The flow id, e.g. symptom-check")->required();
  add_content_options(cmd, &args->knowledge_dir, &args->dialogs_dir);
  cmd->callback([args] { run_graph(*args); });
}

}  // namespace guidechat::cli
