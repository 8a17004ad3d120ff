// Plain HTTP requests: the chat page and web-client files, /healthz,
// /metrics, and the error responses (403, 404, 405, 426, 429, 503). Every
// response carries the security headers (strict CSP, nosniff,
// Referrer-Policy).
//
// Thread-safety: stateless apart from the SharedState it reads (which is
// safe from any thread); call from any connection's strand.
#pragma once

#include <string_view>

#include <boost/beast/http.hpp>

#include "server/shared_state.hpp"

namespace guidechat::server {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

class HttpRouter {
 public:
  // The response to a request that is not a WebSocket upgrade.
  static HttpResponse handle(const HttpRequest& req, SharedState& state);
  // A plain-text error response (also used to refuse a WebSocket upgrade).
  static HttpResponse error(const HttpRequest& req, SharedState& state,
                            boost::beast::http::status status, std::string_view message);
  // The Content-Security-Policy for a page served under `host`.
  static std::string csp(std::string_view host, const OriginCheck& origins);
};

}  // namespace guidechat::server
