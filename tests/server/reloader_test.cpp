// Content reload (what SIGHUP runs): a good edit is swapped in whole, a
// broken one is refused and the content served before stays, counted in the
// metrics either way. The end-to-end SIGHUP test is deploy_reload.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>

#include "server/reloader.hpp"
#include "server/served_content.hpp"
#include "server/shared_state.hpp"

namespace fs = std::filesystem;
using namespace guidechat;

namespace {

struct Fixture {
  fs::path dir;
  server::ServerOptions options;
  std::shared_ptr<server::SharedState> state;

  Fixture() {
    dir = fs::temp_directory_path() / ("reloader_test_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy(fs::path(GUIDECHAT_SOURCE_DIR) / "knowledge", dir / "knowledge",
             fs::copy_options::recursive);
    fs::copy(fs::path(GUIDECHAT_SOURCE_DIR) / "dialogs", dir / "dialogs",
             fs::copy_options::recursive);
    fs::create_directories(dir / "web");
    options.knowledge_dir = (dir / "knowledge").string();
    options.dialogs_dir = (dir / "dialogs").string();
    options.web_dir = (dir / "web").string();
    auto content = server::load_served_content(options);
    REQUIRE(content.ok());
    auto files = server::StaticFiles::load(options.web_dir);
    REQUIRE(files.ok());
    state = std::make_shared<server::SharedState>(options, session::TokenSealer::random(),
                                                  std::move(*files), *content);
  }
  ~Fixture() { fs::remove_all(dir); }

  void append_to_guide(const std::string& text) {
    std::ofstream(dir / "knowledge" / "facial-spasm.md", std::ios::app) << text;
  }
};

}  // namespace

TEST_CASE("a good edit is swapped in, a broken one is refused", "[reload]") {
  Fixture f;
  boost::asio::io_context ioc;
  server::Reloader reloader(ioc, f.state);
  auto before = f.state->content();
  const std::size_t sections = server::section_count(*before);
  REQUIRE(before->knowledge->find("acupuncture") == nullptr);

  f.append_to_guide("\n## Acupuncture\n\nAsk your doctor before trying acupuncture.\n");
  REQUIRE(reloader.reload().ok());
  auto after = f.state->content();
  CHECK(after != before);
  CHECK(server::section_count(*after) == sections + 1);
  CHECK(after->knowledge->find("acupuncture") != nullptr);
  // The old content stays alive for turns still using it.
  CHECK(server::section_count(*before) == sections);

  // Broken: the same section twice.
  f.append_to_guide("\n## Acupuncture\n\nAgain.\n");
  auto refused = reloader.reload();
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().find("facial-spasm.md") != std::string::npos);
  CHECK(f.state->content() == after);

  // Broken flows are refused as well.
  std::ofstream(f.dir / "dialogs" / "10-symptom-check.json") << "{ not json";
  CHECK_FALSE(reloader.reload().ok());
  CHECK(f.state->content() == after);

  auto metrics = f.state->metrics().render();
  CHECK(metrics.find("guidechat_content_reloads_total{result=\"applied\"} 1\n") !=
        std::string::npos);
  CHECK(metrics.find("guidechat_content_reloads_total{result=\"refused\"} 2\n") !=
        std::string::npos);
}

TEST_CASE("a reload warns when an optional word list has gone", "[reload]") {
  Fixture f;
  REQUIRE(fs::exists(f.dir / "knowledge" / "synonyms.txt"));
  boost::asio::io_context ioc;
  server::Reloader reloader(ioc, f.state);
  REQUIRE(reloader.reload().ok());
  CHECK(reloader.vanished_word_lists().empty());
  // Deleting it is no error (the guide loads without synonyms), but the
  // answers get worse: the reload names the file.
  fs::remove(f.dir / "knowledge" / "synonyms.txt");
  REQUIRE(reloader.reload().ok());
  auto vanished = reloader.vanished_word_lists();
  REQUIRE(vanished.size() == 1);
  CHECK(vanished[0].find("synonyms.txt") != std::string::npos);
  // Said once: the next reload compares with the load before it.
  REQUIRE(reloader.reload().ok());
  CHECK(reloader.vanished_word_lists().empty());
}
