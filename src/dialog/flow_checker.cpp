// Structural checks on one flow: the graph must lead from `start` to an
// outcome or summary along every path a person can take.
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "dialog/flow.hpp"

namespace guidechat::dialog {

namespace {

// Every node a node can lead to, through its routes and its options' routes.
std::vector<std::string> successors(const Node& n) {
  std::vector<std::string> out;
  for (const auto& r : n.next) out.push_back(r.next);
  for (const auto& o : n.options) {
    for (const auto& r : o.next) out.push_back(r.next);
  }
  return out;
}

void check_condition(const Flow& flow, const Condition& c, const std::string& where,
                     std::vector<FlowFinding>* findings) {
  if (c.kind == Condition::Kind::kSlot) {
    const Node* ask = nullptr;
    for (const auto& n : flow.nodes) {
      if (n.type == NodeType::kAsk && n.slot == c.slot) ask = &n;
    }
    if (ask == nullptr) {
      findings->push_back({"", 0, where, "condition on slot '" + c.slot + "' that no ask fills"});
      return;
    }
    for (const auto& o : c.options) {
      if (ask->option(o) == nullptr) {
        findings->push_back(
            {"", 0, where, "condition on unknown option '" + o + "' of slot '" + c.slot + "'"});
      }
    }
  }
  for (const auto& child : c.children) check_condition(flow, child, where, findings);
}

void check_routes(const Flow& flow, const std::vector<Route>& routes, const std::string& where,
                  std::vector<FlowFinding>* findings) {
  for (const auto& r : routes) {
    if (flow.find(r.next) == nullptr) {
      findings->push_back({"", 0, where, "dead end: next step '" + r.next + "' does not exist"});
    }
    check_condition(flow, r.when, where, findings);
  }
  if (!routes.empty() && routes.back().when.kind != Condition::Kind::kAlways) {
    findings->push_back(
        {"", 0, where, "dead end: every route has an \"if\"; the last one needs none"});
  }
}

}  // namespace

void check_structure(const Flow& flow, std::vector<FlowFinding>* findings) {
  auto add = [&](const std::string& where, std::string message) {
    findings->push_back({"", 0, where, std::move(message)});
  };
  if (flow.find(flow.start) == nullptr) {
    add(flow.id, "start node '" + flow.start + "' does not exist");
  }
  std::set<std::string> slots;
  for (const Node& n : flow.nodes) {
    const std::string where = flow.id + "/" + n.id;
    switch (n.type) {
      case NodeType::kAsk:
        if (!slots.insert(n.slot).second) add(where, "slot '" + n.slot + "' is asked twice");
        for (const auto& o : n.options) {
          const std::string ow = where + " option '" + o.id + "'";
          if (n.multiple && !o.next.empty()) {
            add(ow, "a multiple-choice option cannot have its own next step; use the node's");
          }
          if (!n.multiple && o.next.empty() && n.next.empty()) add(ow, "option has no next step");
          check_routes(flow, o.next, ow, findings);
        }
        if (n.multiple && n.next.empty()) add(where, "options have no next step (no \"next\")");
        check_routes(flow, n.next, where, findings);
        break;
      case NodeType::kInfo:
        if (n.content.empty()) add(where, "info node without a source section");
        if (n.next.empty()) add(where, "dead end: info node has no \"next\"");
        check_routes(flow, n.next, where, findings);
        break;
      case NodeType::kOutcome:
        if (n.content.empty() || n.content[0].section.empty()) {
          add(where, "outcome without a source (needs \"section\")");
        }
        for (const auto& t : n.tips) check_condition(flow, t.when, where + " tip", findings);
        break;
      case NodeType::kSummary:
        break;
    }
  }

  // Reachability from the start.
  std::set<std::string> reached;
  std::vector<std::string> todo;
  if (flow.find(flow.start) != nullptr) todo.push_back(flow.start);
  while (!todo.empty()) {
    std::string id = todo.back();
    todo.pop_back();
    if (!reached.insert(id).second) continue;
    if (const Node* n = flow.find(id)) {
      for (auto& s : successors(*n)) {
        if (flow.find(s) != nullptr) todo.push_back(s);
      }
    }
  }
  for (const Node& n : flow.nodes) {
    if (reached.count(n.id) == 0) add(flow.id + "/" + n.id, "unreachable from the start");
  }

  // Nodes that can reach an outcome or summary (fixed point over the graph).
  std::set<std::string> finishes;
  for (bool grew = true; grew;) {
    grew = false;
    for (const Node& n : flow.nodes) {
      if (finishes.count(n.id)) continue;
      auto next = successors(n);
      if (n.terminal() ||
          std::any_of(next.begin(), next.end(), [&](auto& s) { return finishes.count(s) > 0; })) {
        finishes.insert(n.id);
        grew = true;
      }
    }
  }
  // A reachable node that cannot finish and lies on a cycle is a loop with
  // no way out (plain dead ends were reported above).
  std::function<bool(const std::string&, const std::string&, std::set<std::string>&)> on_cycle =
      [&](const std::string& from, const std::string& target, std::set<std::string>& seen) {
        const Node* n = flow.find(from);
        if (n == nullptr) return false;
        for (auto& s : successors(*n)) {
          if (s == target) return true;
          if (seen.insert(s).second && on_cycle(s, target, seen)) return true;
        }
        return false;
      };
  bool has_terminal =
      std::any_of(flow.nodes.begin(), flow.nodes.end(), [](const Node& n) { return n.terminal(); });
  if (!has_terminal) add(flow.id, "no outcome or summary node: the flow never ends");
  for (const Node& n : flow.nodes) {
    if (!reached.count(n.id) || finishes.count(n.id)) continue;
    std::set<std::string> seen;
    if (on_cycle(n.id, n.id, seen)) {
      add(flow.id + "/" + n.id, "loop with no way out: no outcome or summary can be reached");
    }
  }
}

}  // namespace guidechat::dialog
