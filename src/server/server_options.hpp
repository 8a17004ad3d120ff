// Everything `guidechat serve` can be told: addresses, directories, the key,
// and every limit. Defaults come from common/limits.hpp; the CLI maps each
// field to a flag and an environment variable (cli/cmd_serve.cpp).
//
// Thread-safety: a plain value, copied into the server at start-up.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/limits.hpp"

namespace guidechat::server {

struct ServerOptions {
  std::string host = limits::kDefaultHost;
  std::uint16_t port = limits::kDefaultPort;  // 0: any free port (logged at ready)
  std::string knowledge_dir = GUIDECHAT_DATA_DIR "/knowledge";
  std::string dialogs_dir = GUIDECHAT_DATA_DIR "/dialogs";
  std::string web_dir = GUIDECHAT_DATA_DIR "/web-client";
  std::string db_path;                     // empty: the search index lives in memory
  std::vector<std::string> allow_origins;  // exact origins, e.g. https://clinic.example
  // The server's own public origins (https://chat.clinic.example); empty:
  // scheme://Host is taken as its own (see server/origin_check.hpp).
  std::vector<std::string> public_origins;
  // Reverse proxies whose X-Forwarded-For / X-Real-IP are believed (addresses
  // or CIDR ranges); empty: the TCP peer is the client.
  std::vector<std::string> trusted_proxies;
  std::string session_key_file;  // empty: GUIDECHAT_SESSION_KEY or a random key
  std::string session_key;       // key material from the environment
  std::string gap_report_file;   // empty: no content-gap report (the default)

  std::size_t max_message_bytes = limits::kMaxMessageBytes;
  double rate = limits::kRateLimitPerSecond;
  double burst = limits::kRateLimitBurst;
  double address_rate = limits::kAddressRatePerSecond;  // per client address, all connections
  double address_burst = limits::kAddressBurst;
  std::size_t max_connections = limits::kMaxConnections;
  std::size_t max_connections_per_ip = limits::kMaxConnectionsPerIp;
  std::chrono::seconds handshake_timeout = limits::kHandshakeTimeout;
  std::chrono::seconds idle_timeout = limits::kIdleTimeout;
  std::chrono::seconds keep_alive_idle = limits::kKeepAliveIdle;
  std::size_t max_say_bytes = limits::kMaxSayBytes;
  std::size_t search_cache = limits::kSearchCacheEntries;  // per I/O thread; 0: none
  unsigned threads = 0;                                    // 0: one per core
  std::string log_level = "info";

  // When the process started, to log the time to ready.
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
};

}  // namespace guidechat::server
