// libFuzzer target: the dialog-flow loader (dialogs/*.json) and, when a
// fuzzed flow set passes every check, the engine walking it. The bundled
// dialogs are copied to a scratch directory once; each input replaces one
// of the files (first byte: which one) with the rest of the input. A broken
// flow file must come back as findings, never a crash; a flow set that the
// checker accepts must be walkable by the engine without an internal error.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "dialog/engine.hpp"
#include "dialog/flow.hpp"
#include "knowledge/index.hpp"
#include "knowledge/knowledge_base.hpp"

namespace {

namespace dialog = guidechat::dialog;
namespace fs = std::filesystem;
namespace knowledge = guidechat::knowledge;
namespace protocol = guidechat::protocol;

void require(bool ok) {
  if (!ok) std::abort();
}

std::shared_ptr<const knowledge::KnowledgeBase> g_kb;
std::shared_ptr<const knowledge::Index> g_index;
fs::path g_dir;
std::vector<fs::path> g_files;
std::vector<std::string> g_originals;

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const fs::path& p, const std::string& content) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << content;
}

// Starts every flow and keeps choosing the first option of the pending ask.
void walk(const dialog::Engine& engine, const dialog::FlowSet& flows) {
  for (const auto& flow : flows.flows()) {
    protocol::ClientMessage start;
    start.type = protocol::ClientType::kStart;
    start.flow = flow.id;
    dialog::Turn turn = engine.handle({}, start);
    for (int step = 0; step < 40; ++step) {
      require(!turn.error || turn.error->code != protocol::ErrorCode::kInternal);
      const protocol::Part* ask = nullptr;
      for (const auto& p : turn.parts) {
        if (p.type == protocol::PartType::kAsk) ask = &p;
      }
      if (ask == nullptr || ask->options.empty() || turn.error) break;
      protocol::ClientMessage choose;
      choose.type = protocol::ClientType::kChoose;
      choose.ask = ask->id;
      choose.options = {ask->options.front().id};
      turn = engine.handle(turn.state, choose);
    }
    protocol::ClientMessage summary;
    summary.type = protocol::ClientType::kSummary;
    auto s = engine.handle(turn.state, summary);
    require(!s.error || s.error->code != protocol::ErrorCode::kInternal);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  auto kb = knowledge::KnowledgeBase::load(GUIDECHAT_DATA_DIR "/knowledge");
  require(kb.ok());
  g_kb = *kb;
  auto index = knowledge::Index::build(g_kb, {});
  require(index.ok());
  g_index = *index;

  g_dir = fs::temp_directory_path() / ("guidechat-flow-fuzz-" + std::to_string(::getpid()));
  fs::create_directories(g_dir);
  for (const auto& e : fs::directory_iterator(GUIDECHAT_DATA_DIR "/dialogs")) {
    if (e.path().extension() != ".json") continue;
    fs::copy_file(e.path(), g_dir / e.path().filename(), fs::copy_options::overwrite_existing);
    g_files.push_back(g_dir / e.path().filename());
  }
  std::sort(g_files.begin(), g_files.end());
  for (const auto& f : g_files) g_originals.push_back(read_file(f));
  require(!g_files.empty());
  std::atexit([] {
    std::error_code ec;
    fs::remove_all(g_dir, ec);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t which = data[0] % g_files.size();
  write_file(g_files[which], std::string(reinterpret_cast<const char*>(data + 1), size - 1));

  std::vector<dialog::FlowFinding> findings;
  auto set = dialog::FlowSet::read(g_dir, *g_kb, &findings);
  require(set != nullptr);
  for (const auto& f : findings) require(!f.message.empty());
  if (findings.empty()) {
    auto loaded = dialog::FlowSet::load(g_dir, *g_kb);
    require(loaded.ok());
    dialog::Engine engine(*loaded, g_index);
    walk(engine, **loaded);
  }
  write_file(g_files[which], g_originals[which]);
  return 0;
}
