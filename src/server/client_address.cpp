#include "server/client_address.hpp"

#include <algorithm>

#include "common/text.hpp"

namespace guidechat::server {

namespace net = boost::asio;
namespace http = boost::beast::http;

namespace {

// IPv4-mapped IPv6 (::ffff:10.1.2.3, from a dual-stack socket) as IPv4.
net::ip::address plain(const net::ip::address& a) {
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return net::ip::make_address_v4(net::ip::v4_mapped, a.to_v6());
  }
  return a;
}

bool parse_address(std::string_view s, net::ip::address* out) {
  s = text::trim(s);
  // "[2001:db8::1]" and "1.2.3.4:5678" forms some proxies write.
  if (s.size() > 2 && s.front() == '[') {
    auto close = s.find(']');
    if (close == std::string_view::npos) return false;
    s = s.substr(1, close - 1);
  } else if (std::count(s.begin(), s.end(), ':') == 1) {
    s = s.substr(0, s.find(':'));
  }
  boost::system::error_code ec;
  auto a = net::ip::make_address(std::string(s), ec);
  if (ec) return false;
  *out = plain(a);
  return true;
}

}  // namespace

Result<ClientAddress> ClientAddress::parse(const std::vector<std::string>& trusted) {
  ClientAddress c;
  for (const auto& raw : trusted) {
    std::string_view item = text::trim(raw);
    if (item.empty()) continue;
    boost::system::error_code ec;
    auto slash = item.find('/');
    std::string addr(item.substr(0, slash));
    auto a = net::ip::make_address(addr, ec);
    if (ec) return Error{"--trust-proxy: '" + raw + "' is not an IP address or CIDR range"};
    int bits = a.is_v4() ? 32 : 128;
    if (slash != std::string_view::npos) {
      std::string_view b = item.substr(slash + 1);
      if (b.empty() || b.size() > 3 ||
          !std::all_of(b.begin(), b.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
        return Error{"--trust-proxy: '" + raw + "' has a bad prefix length"};
      }
      bits = std::stoi(std::string(b));
      if (bits > (a.is_v4() ? 32 : 128)) {
        return Error{"--trust-proxy: '" + raw + "' has a bad prefix length"};
      }
    }
    if (a.is_v4()) {
      c.v4_.push_back(
          net::ip::make_network_v4(a.to_v4(), static_cast<unsigned short>(bits)).canonical());
    } else {
      c.v6_.push_back(
          net::ip::make_network_v6(a.to_v6(), static_cast<unsigned short>(bits)).canonical());
    }
  }
  return c;
}

bool ClientAddress::trusts(const net::ip::address& address) const {
  auto a = plain(address);
  if (a.is_v4()) {
    auto v4 = a.to_v4();
    return std::any_of(v4_.begin(), v4_.end(), [&](const net::ip::network_v4& n) {
      return (v4.to_uint() & n.netmask().to_uint()) == n.network().to_uint();
    });
  }
  auto bytes = a.to_v6().to_bytes();
  return std::any_of(v6_.begin(), v6_.end(), [&](const net::ip::network_v6& n) {
    auto net_bytes = n.network().to_bytes();
    unsigned bits = n.prefix_length();
    for (unsigned i = 0; i < 16 && bits > 0; ++i, bits = bits >= 8 ? bits - 8 : 0) {
      auto mask = static_cast<unsigned char>(bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff);
      if ((bytes[i] & mask) != (net_bytes[i] & mask)) return false;
    }
    return true;
  });
}

std::string ClientAddress::resolve(const net::ip::address& peer,
                                   const http::fields& headers) const {
  auto p = plain(peer);
  if (!trusts(p)) return p.to_string();
  // Every X-Forwarded-For field, in order, as one list.
  std::vector<std::string_view> hops;
  auto [first, last] = headers.equal_range("X-Forwarded-For");
  for (auto it = first; it != last; ++it) {
    std::string_view v = it->value();
    std::size_t start = 0;
    while (start <= v.size()) {
      auto comma = v.find(',', start);
      if (comma == std::string_view::npos) comma = v.size();
      hops.push_back(v.substr(start, comma - start));
      start = comma + 1;
    }
  }
  net::ip::address candidate = p;
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    net::ip::address a;
    if (!parse_address(*it, &a)) break;  // garbage: trust nothing further left
    candidate = a;
    if (!trusts(a)) return a.to_string();
  }
  if (candidate != p) return candidate.to_string();
  net::ip::address real;
  if (auto it = headers.find("X-Real-IP");
      it != headers.end() && parse_address(it->value(), &real)) {
    return real.to_string();
  }
  return p.to_string();
}

std::string ClientAddress::resolve(std::string_view peer, const http::fields& headers) const {
  boost::system::error_code ec;
  auto a = net::ip::make_address(std::string(peer), ec);
  if (ec) return std::string(peer);
  return resolve(a, headers);
}

}  // namespace guidechat::server
