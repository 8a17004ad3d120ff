#include "dialog/graph.hpp"

#include <sstream>

namespace guidechat::dialog {

namespace {

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out + "\"";
}

// Long questions wrap so the boxes stay readable.
std::string wrap(std::string_view s, std::size_t width) {
  std::string out;
  std::size_t col = 0;
  for (char c : s) {
    if (c == ' ' && col >= width) {
      out.push_back('\n');
      col = 0;
      continue;
    }
    out.push_back(c);
    ++col;
  }
  return out;
}

void edges(std::ostringstream& o, const std::string& from, const std::vector<Route>& routes,
           const std::string& prefix) {
  for (const Route& r : routes) {
    std::string label = prefix;
    if (r.when.kind != Condition::Kind::kAlways || routes.size() > 1) {
      if (!label.empty()) label.append("\n");
      if (r.when.kind != Condition::Kind::kAlways) {
        label.append("if ").append(describe(r.when));
      } else {
        label.append("otherwise");
      }
    }
    o << "  " << quote(from) << " -> " << quote(r.next);
    if (!label.empty()) o << " [label=" << quote(wrap(label, 28)) << "]";
    o << ";\n";
  }
}

}  // namespace

std::string describe(const Condition& c) {
  switch (c.kind) {
    case Condition::Kind::kAlways:
      return "always";
    case Condition::Kind::kSlot: {
      std::string s = c.slot;
      s.append(" = ");
      for (std::size_t i = 0; i < c.options.size(); ++i) {
        if (i > 0) s.append("|");
        s.append(c.options[i]);
      }
      return s;
    }
    case Condition::Kind::kAny:
    case Condition::Kind::kAll: {
      std::string sep = c.kind == Condition::Kind::kAny ? " OR " : " AND ";
      std::string s;
      for (std::size_t i = 0; i < c.children.size(); ++i) {
        if (i > 0) s.append(sep);
        s.append(describe(c.children[i]));
      }
      if (c.children.size() < 2) return s;
      std::string wrapped = "(";
      wrapped.append(s).append(")");
      return wrapped;
    }
    case Condition::Kind::kNot: {
      std::string s = "NOT ";
      s.append(c.children.empty() ? std::string("?") : describe(c.children[0]));
      return s;
    }
  }
  return "?";
}

std::string to_dot(const Flow& flow) {
  std::ostringstream o;
  o << "digraph " << quote(flow.id) << " {\n"
    << "  label=" << quote(flow.title) << "; labelloc=t; fontname=\"Helvetica\";\n"
    << "  node [fontname=\"Helvetica\", fontsize=11]; edge [fontname=\"Helvetica\", "
       "fontsize=9];\n"
    << "  \"__start\" [shape=point];\n  \"__start\" -> " << quote(flow.start) << ";\n";
  for (const Node& n : flow.nodes) {
    o << "  " << quote(n.id) << " [";
    switch (n.type) {
      case NodeType::kAsk:
        o << "shape=box, style=rounded, label="
          << quote(n.id + (n.multiple ? " (pick any)" : "") + "\n" + wrap(n.text, 34));
        break;
      case NodeType::kInfo:
        o << "shape=note, label="
          << quote(n.id + "\n[" + (n.content.empty() ? "" : n.content[0].section) + "]");
        break;
      case NodeType::kOutcome: {
        const char* color = n.level == "urgent"   ? "#f4a6a6"
                            : n.level == "doctor" ? "#f9d58b"
                                                  : "#b5e3b0";
        o << "shape=ellipse, style=filled, fillcolor=\"" << color << "\", label="
          << quote(n.level + "\n[" + (n.content.empty() ? "" : n.content[0].section) + "]");
        break;
      }
      case NodeType::kSummary:
        o << "shape=doubleoctagon, label=" << quote(n.id + "\n(summary)");
        break;
    }
    o << "];\n";
  }
  for (const Node& n : flow.nodes) {
    for (const auto& opt : n.options) edges(o, n.id, opt.next, opt.label);
    std::string prefix;
    if (n.type == NodeType::kAsk) {
      for (const auto& opt : n.options) {
        if (!opt.next.empty() || n.multiple) continue;
        if (!prefix.empty()) prefix.append(", ");
        prefix.append(opt.label);
      }
      if (n.multiple) prefix = "any answer";
      // With several routes the condition says it all.
      if (n.next.size() > 1) prefix.clear();
    }
    edges(o, n.id, n.next, prefix);
  }
  o << "}\n";
  return o.str();
}

}  // namespace guidechat::dialog
