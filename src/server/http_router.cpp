#include "server/http_router.hpp"

#include <string>

#include <nlohmann/json.hpp>

namespace guidechat::server {

namespace http = boost::beast::http;

namespace {

constexpr const char* kServerName = "guidechat";

// Host as sent by the client, kept only if it is a plain host[:port], so it
// can be placed in a header without any risk of injection.
std::string safe_host(std::string_view host) {
  if (host.empty() || host.size() > 255) return {};
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return {};
  }
  return std::string(host);
}

void common_headers(HttpResponse& res, const HttpRequest& req, SharedState& state) {
  res.set(http::field::server, kServerName);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("Content-Security-Policy",
          HttpRouter::csp(std::string(req[http::field::host]), state.origins()));
  res.keep_alive(req.keep_alive());
}

HttpResponse text_response(const HttpRequest& req, SharedState& state, http::status status,
                           std::string body, std::string_view content_type) {
  HttpResponse res{status, req.version()};
  common_headers(res, req, state);
  res.set(http::field::content_type, content_type);
  res.set(http::field::cache_control, "no-store");
  bool head = req.method() == http::verb::head;
  res.body() = head ? std::string() : std::move(body);
  res.prepare_payload();
  if (head) res.content_length(body.size());
  state.metrics().http_request(static_cast<unsigned>(status));
  return res;
}

std::string_view path_of(std::string_view target) {
  auto q = target.find_first_of("?#");
  return q == std::string_view::npos ? target : target.substr(0, q);
}

}  // namespace

std::string HttpRouter::csp(std::string_view host, const OriginCheck& origins) {
  // Scripts and styles only from this server's own files: no inline script,
  // no eval. connect-src names the WebSocket of this very host explicitly
  // because older browsers do not match ws:/wss: with 'self'. The page may
  // be framed only by itself and by the sites allowed to embed the chat.
  std::string h = safe_host(host);
  std::string policy =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      "connect-src 'self'";
  if (!h.empty()) policy += " ws://" + h + " wss://" + h;
  policy += "; frame-ancestors 'self'";
  for (const auto& o : origins.origins()) policy += " " + o;
  policy += "; base-uri 'none'; form-action 'none'; object-src 'none'";
  return policy;
}

HttpResponse HttpRouter::error(const HttpRequest& req, SharedState& state, http::status status,
                               std::string_view message) {
  auto res =
      text_response(req, state, status, std::string(message) + "\n", "text/plain; charset=utf-8");
  if (status == http::status::method_not_allowed) res.set(http::field::allow, "GET, HEAD");
  return res;
}

HttpResponse HttpRouter::handle(const HttpRequest& req, SharedState& state) {
  std::string_view target = req.target();
  if (target.empty() || target[0] != '/') {
    return error(req, state, http::status::bad_request, "bad request target");
  }
  if (req.method() != http::verb::get && req.method() != http::verb::head) {
    return error(req, state, http::status::method_not_allowed, "method not allowed");
  }
  std::string_view path = path_of(target);

  if (path == "/healthz") {
    auto content = state.content();
    std::size_t sections = content ? section_count(*content) : 0;
    std::size_t flows = content ? flow_count(*content) : 0;
    bool ready = content && content->engine && sections > 0 && flows > 0;
    nlohmann::json body = {
        {"status", ready ? "ok" : "not ready"}, {"sections", sections}, {"flows", flows}};
    if (state.stopping()) body["status"] = "stopping";
    auto status = ready && !state.stopping() ? http::status::ok : http::status::service_unavailable;
    return text_response(req, state, status, body.dump() + "\n", "application/json");
  }
  if (path == "/metrics") {
    std::string body = state.metrics().render();
    if (auto content = state.content(); content && content->index) {
      const auto cache = content->index->cache_stats();
      Metrics::render_search_cache(&body, cache.hits, cache.misses);
    }
    return text_response(req, state, http::status::ok, std::move(body),
                         "text/plain; version=0.0.4; charset=utf-8");
  }
  if (path == "/ws") {
    auto res = error(req, state, http::status::upgrade_required,
                     "this is the WebSocket endpoint; connect with a WebSocket client");
    res.set(http::field::upgrade, "websocket");
    return res;
  }

  const StaticFile* file = state.files().find(path);
  if (!file) return error(req, state, http::status::not_found, "not found");

  bool head = req.method() == http::verb::head;
  HttpResponse res{http::status::ok, req.version()};
  common_headers(res, req, state);
  res.set(http::field::content_type, file->content_type);
  res.set(http::field::cache_control, file->cache_control);
  res.set(http::field::etag, file->etag);
  auto inm = req[http::field::if_none_match];
  if (!inm.empty() && inm.find(file->etag) != std::string_view::npos) {
    res.result(http::status::not_modified);
    res.body().clear();
    res.prepare_payload();
    state.metrics().http_request(304);
    return res;
  }
  if (!head) res.body() = file->body;
  res.prepare_payload();
  if (head) res.content_length(file->body.size());
  state.metrics().http_request(200);
  return res;
}

}  // namespace guidechat::server
