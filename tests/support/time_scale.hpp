// Deadlines for tests that wait on a real server. A sanitized server runs
// several times slower than Release (ASan about 10x, TSan more), so a
// deadline that suits Release fails there while nothing is wrong. Tests wait
// for what they expect (a counter, a log line, a closed socket) and give up
// only after a deadline stretched by one factor, GUIDECHAT_TIME_SCALE
// (default 1), which tests/extra.sh sets for its sanitizer stages.
//
// Only upper bounds scale: a lower bound ("not before the timeout") holds
// however slow the build, and a fixed sleep would only make every run slower.
//
// Thread-safety: safe from any thread (the factor is read once).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <thread>

namespace guidechat::testing {

// How many times slower than Release this run is taken to be (at least 1).
inline double time_scale() {
  static const double scale = [] {
    const char* env = std::getenv("GUIDECHAT_TIME_SCALE");
    const double v = env && *env ? std::atof(env) : 1.0;
    return v > 1.0 ? v : 1.0;
  }();
  return scale;
}

// `d` stretched by time_scale(): a deadline for something the server does.
template <class Rep, class Period>
std::chrono::milliseconds scaled(std::chrono::duration<Rep, Period> d) {
  const std::chrono::duration<double, std::milli> ms = d;
  return std::chrono::milliseconds(static_cast<std::int64_t>(ms.count() * time_scale()));
}

// Polls `done` every `poll` until it holds or scaled(within) has passed;
// done()'s last answer.
template <class Predicate>
bool eventually(Predicate done, std::chrono::milliseconds within,
                std::chrono::milliseconds poll = std::chrono::milliseconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + scaled(within);
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return done();
    std::this_thread::sleep_for(poll);
  }
  return true;
}

}  // namespace guidechat::testing
