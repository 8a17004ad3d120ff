// turn_bench: guidechat's own CPU cost of one turn of the load benchmark's
// conversation (bench/loadgen_script), without the network: the frame is
// parsed, the token opened, the engine run, the token sealed and the reply
// built, exactly as the WebSocket session does (session::Conversation).
// bench/run's closed-loop figures are this plus Beast and the kernel; this
// program shows how much of a turn is ours, steadily enough to compare two
// builds, and is the thing to profile (perf record build/bench/turn_bench).
//
//   build/bench/turn_bench [--conversations 100] [--turns 300000] [--rounds 5]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "loadgen_scan.hpp"
#include "loadgen_script.hpp"
#include "session/content.hpp"
#include "session/conversation.hpp"

using namespace guidechat;
using SteadyClock = std::chrono::steady_clock;

namespace {

struct Client {
  bench::Conversation script;
  session::Conversation server;
  std::int64_t next_id = 1;
};

}  // namespace

int main(int argc, char** argv) {
  int conversations = 100;
  long turns = 300000;
  int rounds = 5;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], "--conversations") == 0) conversations = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--turns") == 0) turns = std::atol(argv[i + 1]);
    if (std::strcmp(argv[i], "--rounds") == 0) rounds = std::atoi(argv[i + 1]);
  }
  if (conversations < 1 || turns < conversations || rounds < 1) {
    std::fprintf(stderr, "turn_bench: bad arguments\n");
    return 2;
  }
  auto content = session::load_content(session::default_content_paths());
  if (!content.ok()) {
    std::fprintf(stderr, "turn_bench: %s\n", content.error().c_str());
    return 1;
  }
  const dialog::Engine& engine = *(*content)->engine;
  const auto sealer = session::TokenSealer::random();
  const auto ttl = std::chrono::seconds(3600);

  std::vector<Client> clients;
  clients.reserve(static_cast<std::size_t>(conversations));
  for (int c = 0; c < conversations; ++c) {
    clients.push_back({bench::Conversation(static_cast<std::uint64_t>(c) * 7919), {sealer, ttl}});
    auto hello = clients.back().server.welcome(engine, session::Clock::now());
    bench::FrameView view;
    if (bench::scan_frame(hello.frame, view)) clients.back().script.observe(view);
  }

  // Round robin over the conversations, like a closed loop over many
  // connections: caches see the same mix of turns as the server does.
  double best_us = 1e18;
  long errors = 0;
  std::size_t reply_bytes = 0;
  for (int r = 0; r < rounds; ++r) {
    auto t0 = SteadyClock::now();
    for (long t = 0; t < turns; ++t) {
      Client& c = clients[static_cast<std::size_t>(t % conversations)];
      std::string frame = c.script.next_frame(c.next_id++);
      auto out = c.server.handle(frame, engine, session::Clock::now());
      if (out.error) ++errors;
      reply_bytes += out.frame.size();
      bench::FrameView view;
      if (bench::scan_frame(out.frame, view)) c.script.observe(view);
    }
    double us = std::chrono::duration<double, std::micro>(SteadyClock::now() - t0).count() /
                static_cast<double>(turns);
    best_us = std::min(best_us, us);
    std::printf("round %d: %.3f us per turn\n", r + 1, us);
  }
  std::printf(
      "RESULT turns=%ld conversations=%d best_us_per_turn=%.3f errors=%ld mean_reply_bytes=%zu\n",
      turns, conversations, best_us, errors,
      reply_bytes / (static_cast<std::size_t>(turns) * static_cast<std::size_t>(rounds)));
  return errors == 0 ? 0 : 1;
}
