// What one load-generator thread counted: turns, errors by code, lost and
// misordered replies, connection failures, and every turn's latency. Each
// thread fills its own Stats; they are merged once the run is over.
//
// Thread-safety: none; one owner at a time.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace guidechat::bench {

struct Stats {
  std::uint64_t turns = 0;        // replies matched inside the measured window
  std::uint64_t sent = 0;         // turns sent inside the measured window
  std::uint64_t all_replies = 0;  // every matched reply, warm-up and drain included
  std::uint64_t errors = 0;       // "error" frames
  std::map<std::string, std::uint64_t> error_codes;
  std::uint64_t lost = 0;          // sent, never answered
  std::uint64_t misordered = 0;    // reply_to not the turn waiting for an answer
  std::uint64_t unexpected = 0;    // a reply while no turn was waiting
  std::uint64_t uncorrelated = 0;  // an answer without the turn's id as reply_to
  std::uint64_t bad_frames = 0;    // not a JSON object
  std::uint64_t welcomes = 0;
  std::uint64_t connect_failures = 0;
  std::uint64_t connection_errors = 0;  // dropped after connecting
  std::uint64_t late_sends = 0;         // paced turns sent after their time (reply was late)
  std::vector<std::uint32_t> latencies_ns;

  void merge(const Stats& other);
  // The q-quantile (0..1) of the latencies in microseconds; sorts them.
  double quantile_us(double q);
};

}  // namespace guidechat::bench
