#include "session/token.hpp"

#include <set>
#include <string>
#include <thread>
#include <vector>

#include <openssl/sha.h>
#include <catch2/catch.hpp>

using namespace guidechat::session;
using namespace std::chrono_literals;

namespace {
const auto kNow = Clock::time_point(std::chrono::seconds(1'800'000'000));
TokenSealer sealer(std::string_view material) {
  return *TokenSealer::from_material(material);
}
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
  // Every token's last character has spare bits (41 bytes in 55 characters):
  // setting them must not give a second spelling that opens.
  for (int i = 0; i < 200; ++i) {
    std::string t = s.seal("state", kNow, 60s);
    const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const auto v = alphabet.find(t.back());
    REQUIRE(v != std::string::npos);
    REQUIRE((v & 3) == 0);  // what a correct encoder writes
    for (std::size_t spare = 1; spare < 4; ++spare) {
      std::string other = t;
      other.back() = alphabet[v | spare];
      CHECK_FALSE(s.open(other, kNow).ok());
    }
  }
  CHECK_FALSE(sealer("another passphrase, long enough").open(token, kNow).ok());
  CHECK_FALSE(s.open(token, kNow + 61s).ok());
  CHECK(s.open(token, kNow + 59s).ok());
  for (std::string_view bad : {"", "v1.", "v2.abc", "v1.!!!!", "v1.a", "v1.AAAA", "garbage",
                               "v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}) {
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

TEST_CASE("a passphrase key is stretched (PBKDF2), not a single SHA-256") {
  const std::string passphrase = "shared replica key material";
  // The key a single unsalted SHA-256 would give: one hash per guess for
  // whoever holds a token. It must not be the key.
  unsigned char digest[32];
  SHA256(reinterpret_cast<const unsigned char*>(passphrase.data()), passphrase.size(), digest);
  std::string hex;
  for (unsigned char c : digest) {
    const char* digits = "0123456789abcdef";
    hex.push_back(digits[c >> 4]);
    hex.push_back(digits[c & 15]);
  }
  auto quick = sealer(hex);
  auto slow = sealer(passphrase);
  CHECK_FALSE(slow.open(quick.seal("x", kNow, 60s), kNow).ok());
  // The derivation takes many rounds of a keyed hash: well over a
  // millisecond, where one SHA-256 takes a microsecond.
  const auto t0 = std::chrono::steady_clock::now();
  auto again = sealer(passphrase);
  CHECK(std::chrono::steady_clock::now() - t0 > 20ms);
  CHECK(again.open(slow.seal("x", kNow, 60s), kNow).ok());
}

// seal() keeps a keyed cipher context and a buffer of random nonces per
// thread; these check that neither leaks between keys, threads or seals.
TEST_CASE("every seal has its own nonce, across refills of the nonce buffer") {
  auto s = sealer("a passphrase of some length");
  std::set<std::string> nonces;
  for (int i = 0; i < 5000; ++i) {
    std::string token = s.seal("state" + std::to_string(i), kNow, 3600s);
    REQUIRE(s.open(token, kNow).value() == "state" + std::to_string(i));
    nonces.insert(token.substr(3, 16));  // base64url of the 12-byte nonce
  }
  CHECK(nonces.size() == 5000);
}

TEST_CASE("sealers with different keys interleaved on one thread stay apart") {
  auto a = sealer("first passphrase, long enough");
  auto b = sealer("second passphrase, long enough");
  auto a_copy = a;  // a copy holds the same key
  for (int i = 0; i < 50; ++i) {
    std::string ta = a.seal("a", kNow, 3600s);
    std::string tb = b.seal("b", kNow, 3600s);
    CHECK(a.open(ta, kNow).value() == "a");
    CHECK(a_copy.open(ta, kNow).value() == "a");
    CHECK(b.open(tb, kNow).value() == "b");
    CHECK_FALSE(b.open(ta, kNow).ok());
    CHECK_FALSE(a.open(tb, kNow).ok());
    CHECK(b.open(a_copy.seal("c", kNow, 3600s), kNow).ok() == false);
  }
}

TEST_CASE("states larger than the stack buffer seal and open") {
  auto s = sealer("a passphrase of some length");
  // (open() takes tokens of up to 4 KiB: 2000 bytes of state is near that.)
  for (std::size_t size : {0u, 1u, 255u, 256u, 257u, 2000u}) {
    std::string state(size, '\x7f');
    CHECK(s.open(s.seal(state, kNow, 60s), kNow).value() == state);
  }
}

TEST_CASE("threads sealing at once get tokens that open, with distinct nonces") {
  auto s = sealer("a passphrase of some length");
  constexpr int kThreads = 4, kEach = 2000;
  std::vector<std::vector<std::string>> tokens(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) tokens[t].push_back(s.seal(std::to_string(t), kNow, 60s));
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::string> nonces;
  for (int t = 0; t < kThreads; ++t) {
    for (const auto& token : tokens[t]) {
      REQUIRE(s.open(token, kNow).value() == std::to_string(t));
      nonces.insert(token.substr(3, 16));
    }
  }
  CHECK(nonces.size() == kThreads * kEach);
}
