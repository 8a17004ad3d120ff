// Structured logs: one JSON object per line on stderr (spdlog), with a UTC
// timestamp, the level and an event name. Callers pass only metadata
// (counts, codes, addresses, latencies) - never what a person typed or the
// answers they got.
//
// Thread-safety: init() once before the server starts; the log functions are
// safe from any thread (spdlog's multi-threaded sink).
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace guidechat::server::log {

// level: trace, debug, info, warn, error, off. Unknown names mean info.
void init(std::string_view level);

bool enabled_debug();
void debug(std::string_view event, nlohmann::json fields = nlohmann::json::object());
void info(std::string_view event, nlohmann::json fields = nlohmann::json::object());
void warn(std::string_view event, nlohmann::json fields = nlohmann::json::object());
void error(std::string_view event, nlohmann::json fields = nlohmann::json::object());

}  // namespace guidechat::server::log
