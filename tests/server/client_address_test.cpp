// The client address behind a trusted reverse proxy: X-Forwarded-For and
// X-Real-IP are believed only from --trust-proxy addresses.
#include <catch2/catch.hpp>

#include <boost/beast/http/fields.hpp>

#include "server/client_address.hpp"

using guidechat::server::ClientAddress;
namespace http = boost::beast::http;

namespace {

ClientAddress trusting(std::vector<std::string> proxies) {
  auto c = ClientAddress::parse(proxies);
  REQUIRE(c.ok());
  return c.value();
}

http::fields headers(std::vector<std::pair<std::string, std::string>> list) {
  http::fields f;
  for (auto& [name, value] : list) f.insert(name, value);
  return f;
}

}  // namespace

TEST_CASE("without trusted proxies the TCP peer is the client", "[client_address]") {
  auto c = trusting({});
  auto h = headers({{"X-Forwarded-For", "203.0.113.9"}, {"X-Real-IP", "203.0.113.9"}});
  CHECK(c.resolve("127.0.0.1", h) == "127.0.0.1");
  CHECK(c.resolve("198.51.100.7", h) == "198.51.100.7");
}

TEST_CASE("a trusted proxy's X-Forwarded-For names the client", "[client_address]") {
  auto c = trusting({"127.0.0.1", "::1"});
  CHECK(c.resolve("127.0.0.1", headers({{"X-Forwarded-For", "203.0.113.9"}})) == "203.0.113.9");
  CHECK(c.resolve("::1", headers({{"X-Forwarded-For", "2001:db8::5"}})) == "2001:db8::5");
  // An IPv4-mapped peer from a dual-stack socket counts as IPv4.
  CHECK(c.resolve("::ffff:127.0.0.1", headers({{"X-Forwarded-For", "203.0.113.9"}})) ==
        "203.0.113.9");
  // Without X-Forwarded-For, X-Real-IP; without either, the peer.
  CHECK(c.resolve("127.0.0.1", headers({{"X-Real-IP", "203.0.113.10"}})) == "203.0.113.10");
  CHECK(c.resolve("127.0.0.1", headers({})) == "127.0.0.1");
}

TEST_CASE("a client cannot pose as another address", "[client_address]") {
  auto c = trusting({"127.0.0.1", "10.0.0.0/8"});
  // Untrusted peer: its headers are ignored.
  CHECK(c.resolve("198.51.100.7", headers({{"X-Forwarded-For", "203.0.113.9"}})) == "198.51.100.7");
  // A proxy that appends: the client's own first entry is a lie; the rightmost
  // untrusted entry is what the proxy saw.
  CHECK(c.resolve("127.0.0.1", headers({{"X-Forwarded-For", "1.2.3.4, 198.51.100.7"}})) ==
        "198.51.100.7");
  // Chains of trusted proxies are skipped from the right.
  CHECK(c.resolve("127.0.0.1", headers({{"X-Forwarded-For", "1.2.3.4, 198.51.100.7, 10.1.2.3"}})) ==
        "198.51.100.7");
  // Repeated header fields form one list.
  CHECK(c.resolve("127.0.0.1", headers({{"X-Forwarded-For", "1.2.3.4"},
                                        {"X-Forwarded-For", "198.51.100.8"}})) == "198.51.100.8");
  // Garbage stops the walk: nothing left of it is believed.
  CHECK(c.resolve("127.0.0.1", headers({{"X-Forwarded-For", "1.2.3.4, nonsense"}})) == "127.0.0.1");
  CHECK(c.resolve("127.0.0.1", headers({{"X-Forwarded-For", "1.2.3.4, nonsense, 10.9.9.9"}})) ==
        "10.9.9.9");
  // Ports and brackets some proxies add.
  CHECK(c.resolve("127.0.0.1", headers({{"X-Forwarded-For", "198.51.100.7:5555"}})) ==
        "198.51.100.7");
  CHECK(c.resolve("127.0.0.1", headers({{"X-Forwarded-For", "[2001:db8::7]:443"}})) ==
        "2001:db8::7");
}

TEST_CASE("trusted proxies as addresses and CIDR ranges", "[client_address]") {
  auto c = trusting({"10.0.0.0/8", "192.168.1.5", "fd00::/8"});
  namespace ip = boost::asio::ip;
  CHECK(c.trusts(ip::make_address("10.200.3.4")));
  CHECK_FALSE(c.trusts(ip::make_address("11.0.0.1")));
  CHECK(c.trusts(ip::make_address("192.168.1.5")));
  CHECK_FALSE(c.trusts(ip::make_address("192.168.1.6")));
  CHECK(c.trusts(ip::make_address("fd12:3456::1")));
  CHECK_FALSE(c.trusts(ip::make_address("fe80::1")));
  CHECK_FALSE(c.trusts(ip::make_address("127.0.0.1")));

  for (const char* bad : {"localhost", "10.0.0.0/33", "10.0.0.0/", "1.2.3.4/x", "::1/129"}) {
    INFO(bad);
    CHECK_FALSE(ClientAddress::parse({bad}).ok());
  }
}
