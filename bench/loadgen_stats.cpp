#include "loadgen_stats.hpp"

#include <algorithm>
#include <cmath>

namespace guidechat::bench {

void Stats::merge(const Stats& o) {
  turns += o.turns;
  sent += o.sent;
  all_replies += o.all_replies;
  errors += o.errors;
  for (const auto& [code, n] : o.error_codes) error_codes[code] += n;
  lost += o.lost;
  misordered += o.misordered;
  unexpected += o.unexpected;
  uncorrelated += o.uncorrelated;
  bad_frames += o.bad_frames;
  welcomes += o.welcomes;
  connect_failures += o.connect_failures;
  connection_errors += o.connection_errors;
  late_sends += o.late_sends;
  latencies_ns.insert(latencies_ns.end(), o.latencies_ns.begin(), o.latencies_ns.end());
}

double Stats::quantile_us(double q) {
  if (latencies_ns.empty()) return 0.0;
  // Nearest-rank: the smallest sample with at least q of them at or below it.
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(latencies_ns.size())));
  rank = std::clamp<std::size_t>(rank, 1, latencies_ns.size()) - 1;
  std::nth_element(latencies_ns.begin(), latencies_ns.begin() + static_cast<long>(rank),
                   latencies_ns.end());
  return static_cast<double>(latencies_ns[rank]) / 1000.0;
}

}  // namespace guidechat::bench
