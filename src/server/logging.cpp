#include "server/logging.hpp"

#include <chrono>
#include <ctime>
#include <memory>
#include <string>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace guidechat::server::log {

namespace {

std::shared_ptr<spdlog::logger>& logger() {
  static std::shared_ptr<spdlog::logger> instance = [] {
    auto l = std::make_shared<spdlog::logger>("guidechat",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    // The whole line is built as JSON below; spdlog only adds the newline.
    l->set_pattern("%v");
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return instance;
}

std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()) % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms.count()));
  return buf;
}

void emit(spdlog::level::level_enum level, std::string_view event, nlohmann::json fields) {
  auto& l = logger();
  if (!l->should_log(level)) return;
  nlohmann::json line = nlohmann::json::object();
  line["ts"] = utc_now();
  line["level"] = spdlog::level::to_string_view(level).data();
  line["event"] = event;
  if (fields.is_object()) {
    for (auto& [k, v] : fields.items()) line[k] = std::move(v);
  }
  // replace: a stray invalid byte (e.g. in a file name) must not throw.
  l->log(level, "{}", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

void init(std::string_view level) {
  auto parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off") parsed = spdlog::level::info;
  logger()->set_level(parsed);
}

bool enabled_debug() {
  return logger()->should_log(spdlog::level::debug);
}
void debug(std::string_view event, nlohmann::json fields) {
  emit(spdlog::level::debug, event, std::move(fields));
}
void info(std::string_view event, nlohmann::json fields) {
  emit(spdlog::level::info, event, std::move(fields));
}
void warn(std::string_view event, nlohmann::json fields) {
  emit(spdlog::level::warn, event, std::move(fields));
}
void error(std::string_view event, nlohmann::json fields) {
  emit(spdlog::level::err, event, std::move(fields));
}

}  // namespace guidechat::server::log
