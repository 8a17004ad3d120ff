// `guidechat serve`: the HTTP + WebSocket server. Every option is also an
// environment variable (GUIDECHAT_*); the session key comes from
// GUIDECHAT_SESSION_KEY or a key file, never from the command line.
#include <cstdlib>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "server/client_address.hpp"
#include "server/server.hpp"
#include "session/content.hpp"

namespace guidechat::cli {

namespace {

struct ServeArgs {
  server::ServerOptions options;
  long handshake_timeout_s = limits::kHandshakeTimeout.count();
  long idle_timeout_s = limits::kIdleTimeout.count();
  long keep_alive_s = limits::kKeepAliveIdle.count();
};

void run_serve(ServeArgs& args) {
  // SIGHUP stays blocked (main) until the server's reloader listens: a
  // reload asked for while the content is still loading is done once it
  // runs. Ignoring it here instead would drop it.
  auto& o = args.options;
  o.handshake_timeout = std::chrono::seconds(args.handshake_timeout_s);
  o.idle_timeout = std::chrono::seconds(args.idle_timeout_s);
  o.keep_alive_idle = std::chrono::seconds(args.keep_alive_s);
  if (const char* key = std::getenv("GUIDECHAT_SESSION_KEY"); key && *key) o.session_key = key;
  if (auto proxies = server::ClientAddress::parse(o.trusted_proxies); !proxies.ok()) {
    std::cerr << "guidechat serve: " << proxies.error() << "\n";
    set_exit_code(2);
    return;
  }
  auto server = server::Server::create(o);
  if (!server.ok()) {
    std::cerr << "guidechat serve: " << server.error() << "\n";
    set_exit_code(1);
    return;
  }
  set_exit_code((*server)->run());
}

}  // namespace

void add_serve_command(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  auto& o = args->options;
  o.db_path = session::default_content_paths().db;

  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Serve the chat page, the widget and the WebSocket endpoint /ws on one port.\n"
      "Session key: GUIDECHAT_SESSION_KEY (64 hex digits or a passphrase of 16+ characters)\n"
      "or --session-key-file; without one, a random key (no resume after a restart).");
  cmd->add_option("--host", o.host, "IP address to listen on")
      ->envname("GUIDECHAT_HOST")
      ->capture_default_str();
  cmd->add_option("--port", o.port, "TCP port (0: any free port, logged at ready)")
      ->envname("GUIDECHAT_PORT")
      ->capture_default_str();
  add_content_options(cmd, &o.knowledge_dir, &o.dialogs_dir);
  cmd->add_option("--web", o.web_dir, "Directory of the chat page and widget files")
      ->envname("GUIDECHAT_WEB")
      ->capture_default_str();
  cmd->add_option("--db", o.db_path, "Also write the search index to this SQLite file")
      ->envname("GUIDECHAT_DB");
  cmd->add_option("--allow-origin", o.allow_origins,
                  "Origin allowed to open the WebSocket besides the server's own, e.g. "
                  "https://clinic.example (repeatable; env: comma-separated)")
      ->envname("GUIDECHAT_ALLOW_ORIGIN")
      ->delimiter(',');
  cmd->add_option("--public-origin", o.public_origins,
                  "The server's own origin as browsers see it, e.g. https://chat.clinic.example "
                  "(repeatable; env: comma-separated). When set, the Host header is no longer "
                  "taken as the server's own origin (DNS rebinding)")
      ->envname("GUIDECHAT_PUBLIC_ORIGIN")
      ->delimiter(',');
  cmd->add_option("--trust-proxy", o.trusted_proxies,
                  "Reverse proxy whose X-Forwarded-For / X-Real-IP names the client, for the "
                  "per-IP limit (address or CIDR, e.g. 127.0.0.1; repeatable; env: "
                  "comma-separated). Never list anything but your proxy.")
      ->envname("GUIDECHAT_TRUST_PROXY")
      ->delimiter(',');
  cmd->add_option("--session-key-file", o.session_key_file,
                  "File holding the session key (overrides GUIDECHAT_SESSION_KEY)")
      ->envname("GUIDECHAT_SESSION_KEY_FILE");
  cmd->add_option("--max-message-bytes", o.max_message_bytes,
                  "Largest client message; larger ones get too_large and a close")
      ->envname("GUIDECHAT_MAX_MESSAGE_BYTES")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{64}, std::size_t{1} << 20));
  cmd->add_option("--rate", o.rate, "Messages per second per connection (token bucket rate)")
      ->envname("GUIDECHAT_RATE")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--burst", o.burst, "Messages a connection may send at once (bucket size)")
      ->envname("GUIDECHAT_BURST")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e6));
  cmd->add_option("--address-rate", o.address_rate,
                  "Messages per second from one client address, over all its connections")
      ->envname("GUIDECHAT_ADDRESS_RATE")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--address-burst", o.address_burst,
                  "Messages one client address may send at once, over all its connections")
      ->envname("GUIDECHAT_ADDRESS_BURST")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 1e6));
  cmd->add_option("--max-connections", o.max_connections,
                  "Connections in total (WebSocket and plain HTTP)")
      ->envname("GUIDECHAT_MAX_CONNECTIONS")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-connections-per-ip", o.max_connections_per_ip,
                  "Connections (WebSocket and plain HTTP) from one IP address or IPv6 /64")
      ->envname("GUIDECHAT_MAX_CONNECTIONS_PER_IP")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--handshake-timeout", args->handshake_timeout_s,
                  "Seconds to complete an HTTP request or the WebSocket handshake")
      ->envname("GUIDECHAT_HANDSHAKE_TIMEOUT")
      ->capture_default_str()
      ->check(CLI::Range(1L, 3600L));
  cmd->add_option("--idle-timeout", args->idle_timeout_s,
                  "Seconds without a sign of life before a WebSocket is dropped (pinged at half)")
      ->envname("GUIDECHAT_IDLE_TIMEOUT")
      ->capture_default_str()
      ->check(CLI::Range(2L, 86400L));
  cmd->add_option("--keep-alive-timeout", args->keep_alive_s,
                  "Seconds a plain HTTP keep-alive connection waits for its next request")
      ->envname("GUIDECHAT_KEEP_ALIVE_TIMEOUT")
      ->capture_default_str()
      ->check(CLI::Range(1L, 3600L));
  cmd->add_option("--max-say-bytes", o.max_say_bytes,
                  "Longest text of one say message (at most the protocol's limit)")
      ->envname("GUIDECHAT_MAX_SAY_BYTES")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, limits::kMaxSayBytes));
  cmd->add_option("--search-cache", o.search_cache,
                  "Search results remembered per I/O thread, by topic words (0: none)")
      ->envname("GUIDECHAT_SEARCH_CACHE")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{0}, std::size_t{1} << 16));
  cmd->add_option("--threads", o.threads, "I/O threads (0: one per core)")
      ->envname("GUIDECHAT_THREADS")
      ->capture_default_str()
      ->check(CLI::Range(0u, 256u));
  cmd->add_option("--gap-report", o.gap_report_file,
                  "Count the key words of questions the guide could not answer in this JSON "
                  "file (opt-in; never whole messages; read it with `guidechat gaps`)")
      ->envname("GUIDECHAT_GAP_REPORT");
  cmd->add_option("--log-level", o.log_level, "trace, debug, info, warn, error or off")
      ->envname("GUIDECHAT_LOG_LEVEL")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}));
  cmd->callback([args] { run_serve(*args); });
}

}  // namespace guidechat::cli
