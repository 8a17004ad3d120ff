// Shared set-up for the dialog tests: the real bundled guide, its index and
// the shipped flows, loaded once per test binary.
#pragma once

#include <memory>
#include <string>

#include "dialog/engine.hpp"
#include "dialog/flow.hpp"
#include "knowledge/index.hpp"
#include "knowledge/knowledge_base.hpp"

namespace guidechat::dialog::testing {

struct Env {
  std::shared_ptr<const knowledge::KnowledgeBase> kb;
  std::shared_ptr<const knowledge::Index> index;
  std::shared_ptr<const FlowSet> flows;
  std::unique_ptr<Engine> engine;
};

// Aborts the test run with the loader's message if the shipped data is broken.
const Env& env();

inline std::string source_dir() {
  return GUIDECHAT_SOURCE_DIR;
}

}  // namespace guidechat::dialog::testing
