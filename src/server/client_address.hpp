// Which address a connection comes from, for the per-address connection
// limit and the logs. Normally the TCP peer. Behind a reverse proxy (nginx)
// every peer is the proxy, so when the peer is one of the trusted proxies
// (`serve --trust-proxy`, addresses or CIDR ranges) the address the proxy
// wrote is used instead: X-Forwarded-For read from the right, skipping
// trusted proxies (the first untrusted entry is the one our proxy saw
// connect), else X-Real-IP. A header from any other peer is ignored: anyone
// could send one to pose as someone else.
//
// Thread-safety: immutable after parse(); resolve() is const and safe from
// any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/network_v4.hpp>
#include <boost/asio/ip/network_v6.hpp>
#include <boost/beast/http/fields.hpp>

#include "common/result.hpp"

namespace guidechat::server {

class ClientAddress {
 public:
  // `trusted`: "127.0.0.1", "::1", "10.0.0.0/8", "fd00::/8" ...; empty:
  // trust no proxy (the TCP peer is always the client).
  static Result<ClientAddress> parse(const std::vector<std::string>& trusted);

  bool trusts(const boost::asio::ip::address& address) const;
  // The client's address as text (IPv4-mapped IPv6 shown as IPv4).
  std::string resolve(const boost::asio::ip::address& peer,
                      const boost::beast::http::fields& headers) const;
  // The same, for a peer already given as text (unparsable: returned as is).
  std::string resolve(std::string_view peer, const boost::beast::http::fields& headers) const;

 private:
  std::vector<boost::asio::ip::network_v4> v4_;
  std::vector<boost::asio::ip::network_v6> v6_;
};

}  // namespace guidechat::server
