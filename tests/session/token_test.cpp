#include "session/token.hpp"

#include <catch2/catch.hpp>

using namespace guidechat::session;
using namespace std::chrono_literals;

namespace {
const auto kNow = Clock::time_point(std::chrono::seconds(1'800'000'000));
TokenSealer sealer(std::string_view material) { return *TokenSealer::from_material(material); }
}  // namespace

TEST_CASE("a sealed token opens to the same state, with its prefix") {
  auto s = sealer("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  std::string state("flow\0node\x01\xFF", 11);
  std::string token = s.seal(state, kNow, 3600s);
  CHECK(token.rfind("v1.", 0) == 0);
  auto opened = s.open(token, kNow + 10s);
  REQUIRE(opened.ok());
  CHECK(*opened == state);
  // Two seals of the same state differ (fresh nonce).
  CHECK(s.seal(state, kNow, 3600s) != token);
}

TEST_CASE("tampered, foreign, expired and garbage tokens are refused") {
  auto s = sealer("a passphrase that is long enough");
  std::string token = s.seal("state", kNow, 60s);
  for (std::size_t i = 3; i < token.size(); ++i) {
    std::string t = token;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    INFO(i);
    CHECK_FALSE(s.open(t, kNow).ok());
  }
  CHECK_FALSE(sealer("another passphrase, long enough").open(token, kNow).ok());
  CHECK_FALSE(s.open(token, kNow + 61s).ok());
  CHECK(s.open(token, kNow + 59s).ok());
  for (std::string_view bad : {"", "v1.", "v2.abc", "v1.!!!!", "v1.a", "v1.AAAA",
                               "garbage", "v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}) {
    CHECK_FALSE(s.open(bad, kNow).ok());
  }
  CHECK_FALSE(s.open("v1." + std::string(10000, 'A'), kNow).ok());
}

TEST_CASE("key material: 64 hex digits or a passphrase of 16+ characters") {
  CHECK(TokenSealer::from_material(std::string(64, 'f')).ok());
  CHECK(TokenSealer::from_material("sixteen chars ok").ok());
  CHECK_FALSE(TokenSealer::from_material("short").ok());
  CHECK_FALSE(TokenSealer::from_file("/nonexistent/key").ok());
  // The same material gives the same key: another replica opens the token.
  auto a = sealer("shared replica key material");
  auto b = sealer("shared replica key material");
  CHECK(b.open(a.seal("x", kNow, 60s), kNow).ok());
  auto r = TokenSealer::random();
  CHECK_FALSE(a.open(r.seal("x", kNow, 60s), kNow).ok());
}
