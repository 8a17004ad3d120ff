#include "test_env.hpp"

#include <cstdio>
#include <cstdlib>

namespace guidechat::dialog::testing {

const Env& env() {
  static const Env* e = [] {
    auto* out = new Env;
    auto kb = knowledge::KnowledgeBase::load(source_dir() + "/knowledge");
    if (!kb.ok()) {
      std::fprintf(stderr, "knowledge: %s\n", kb.error().c_str());
      std::abort();
    }
    out->kb = *kb;
    auto index = knowledge::Index::build(out->kb, {});
    if (!index.ok()) {
      std::fprintf(stderr, "index: %s\n", index.error().c_str());
      std::abort();
    }
    out->index = *index;
    auto flows = FlowSet::load(source_dir() + "/dialogs", *out->kb);
    if (!flows.ok()) {
      std::fprintf(stderr, "flows: %s\n", flows.error().c_str());
      std::abort();
    }
    out->flows = *flows;
    out->engine = std::make_unique<Engine>(out->flows, out->index);
    return out;
  }();
  return *e;
}

}  // namespace guidechat::dialog::testing
