// `guidechat ask` end to end: the real binary, its output and exit codes.
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "run_command.hpp"

using guidechat::testing::quote;
using guidechat::testing::Run;
using guidechat::testing::run_shell;

namespace {

// Runs the binary with `args` (already shell-quoted), stdout captured.
Run run(const std::string& args) {
  return run_shell(std::string(GUIDECHAT_BIN) + " " + args + " 2>/dev/null");
}

}  // namespace

TEST_CASE("ask --json prints the reply a fresh session sends") {
  Run r = run("ask --json 'wen shud i see a docter'");
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["type"] == "reply");
  CHECK(j["session"].get<std::string>().rfind("v1.", 0) == 0);
  CHECK_FALSE(j.contains("reply_to"));
  REQUIRE(!j["parts"].empty());
  const auto& first = j["parts"][0];
  CHECK(first["type"] == "answer");
  CHECK(first["source"]["section"] == "when-to-seek-medical-attention");
  CHECK(first["text"].get<std::string>().find("see a doctor right away") != std::string::npos);
  CHECK(first["score"].get<double>() > 0.0);
  CHECK(first["score"].get<double>() <= 1.0);
}

TEST_CASE("ask: red flags win over the question") {
  Run r = run("ask --json 'my father cannot chew and it hurts a lot, what helps?'");
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  bool urgent = false;
  for (const auto& p : j["parts"]) urgent |= p["type"] == "outcome" && p["level"] == "urgent";
  CHECK(urgent);
}

TEST_CASE("ask: out-of-scope questions fall back with exit code 1") {
  Run r = run("ask --json 'what is the capital of France'");
  CHECK(r.code == 1);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["parts"][0]["type"] == "fallback");
  CHECK_FALSE(j["parts"][0]["suggestions"].empty());
  Run person = run("ask 'how much insulin should I take'");
  CHECK(person.code == 1);
  CHECK(person.out.find("guide") != std::string::npos);
}

TEST_CASE("ask for a person names the section") {
  Run r = run("ask 'muscle relaxers for twitching'");
  CHECK(r.code == 0);
  CHECK(r.out.find("muscle relaxants") != std::string::npos);
  CHECK(r.out.find("Effective Treatment Options and Home Remedies") != std::string::npos);
}

TEST_CASE("ask: hostile and huge input still gets an answer or a fallback") {
  std::string huge(20000, 'a');
  for (const std::string& q : {std::string("'\" NEAR( spasm* ^doctor OR -x:y; DROP TABLE t; --"),
                               huge, std::string("\xF0\x9F\x98\x80\x01 twitch")}) {
    Run r = run("ask --json " + quote(q));
    INFO(q.substr(0, 40));
    CHECK((r.code == 0 || r.code == 1));
    CHECK(nlohmann::json::parse(r.out)["type"] == "reply");
  }
}

TEST_CASE("ask: usage and load errors exit 2 with a message") {
  CHECK(run("ask '   '").code == 2);
  CHECK(run("ask --knowledge /nonexistent 'doctor'").code == 2);
}
