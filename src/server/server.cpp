#include "server/server.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "server/listener.hpp"
#include "server/logging.hpp"
#include "server/reload_signal.hpp"
#include "server/reloader.hpp"
#include "server/shared_state.hpp"

namespace guidechat::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

Result<session::TokenSealer> load_key(const ServerOptions& options) {
  if (!options.session_key_file.empty()) {
    auto sealer = session::TokenSealer::from_file(options.session_key_file);
    if (!sealer.ok()) return Error{"session key file: " + sealer.error()};
    return std::move(*sealer);
  }
  if (!options.session_key.empty()) {
    auto sealer = session::TokenSealer::from_material(options.session_key);
    if (!sealer.ok()) return Error{"GUIDECHAT_SESSION_KEY: " + sealer.error()};
    return std::move(*sealer);
  }
  log::warn("session_key_random",
            {{"message",
              "no session key (GUIDECHAT_SESSION_KEY or --session-key-file): using a random "
              "key; conversations will not resume after a restart or on another replica"}});
  return session::TokenSealer::random();
}

}  // namespace

struct Server::Impl {
  explicit Impl(unsigned threads)
      : threads(threads), ioc(static_cast<int>(threads)), signals(ioc), drain(ioc) {}

  void start_shutdown(int signal) {
    if (state->stopping()) {
      log::warn("shutdown_forced", {{"signal", signal}});
      ioc.stop();
      return;
    }
    log::info("shutdown", {{"signal", signal}, {"open", state->registry().size()}});
    state->set_stopping();
    if (reloader) reloader->stop();
    listener->stop();
    state->registry().shutdown_all();
    deadline = std::chrono::steady_clock::now() + limits::kShutdownGrace;
    wait_for_drain();
    signals.async_wait([this](boost::system::error_code ec, int sig) {
      if (!ec) start_shutdown(sig);
    });
  }

  void wait_for_drain() {
    if (state->registry().size() == 0 || std::chrono::steady_clock::now() >= deadline) {
      log::info("stopped", {{"left_open", state->registry().size()}});
      ioc.stop();
      return;
    }
    drain.expires_after(std::chrono::milliseconds(10));
    drain.async_wait([this](boost::system::error_code ec) {
      if (!ec) wait_for_drain();
    });
  }

  unsigned threads;
  net::io_context ioc;
  net::signal_set signals;
  net::steady_timer drain;
  std::chrono::steady_clock::time_point deadline;
  double load_ms = 0;  // knowledge + index + flows, for the ready log line
  std::shared_ptr<SharedState> state;
  std::shared_ptr<Listener> listener;
  std::unique_ptr<Reloader> reloader;  // declared last: destroyed first, before ioc
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::create(ServerOptions options) {
  log::init(options.log_level);
  boost::system::error_code ec;
  auto address = net::ip::make_address(options.host, ec);
  if (ec) return Error{"--host: '" + options.host + "' is not an IP address"};
  if (options.max_message_bytes == 0) return Error{"--max-message-bytes must be positive"};
  if (options.rate <= 0 || options.burst < 1) {
    return Error{"--rate must be positive and --burst at least 1"};
  }

  auto sealer = load_key(options);
  if (!sealer.ok()) return Error{sealer.error()};
  auto load_started = std::chrono::steady_clock::now();
  auto content = load_served_content(options);
  if (!content.ok()) return Error{content.error()};
  double load_ms = ms_since(load_started);
  auto files = StaticFiles::load(options.web_dir);
  if (!files.ok()) return Error{"--web: " + files.error()};
  if (files->size() == 0) {
    log::warn("no_web_files", {{"dir", options.web_dir}});
  }

  unsigned threads = options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  auto impl = std::make_unique<Impl>(threads);
  impl->load_ms = load_ms;
  std::unique_ptr<knowledge::GapReport> gaps;
  if (!options.gap_report_file.empty()) {
    auto opened = knowledge::GapReport::open(options.gap_report_file, (*content)->index);
    if (!opened.ok()) return Error{"--gap-report: " + opened.error()};
    gaps = std::move(*opened);
  }
  impl->state = std::make_shared<SharedState>(std::move(options), std::move(*sealer),
                                              std::move(*files), std::move(*content));
  impl->state->set_gaps(std::move(gaps));
  auto listener = Listener::open(impl->ioc, tcp::endpoint(address, impl->state->options().port),
                                 impl->state, impl->threads);
  if (!listener.ok()) return Error{listener.error()};
  impl->listener = std::move(*listener);
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

std::uint16_t Server::port() const {
  return impl_->listener->endpoint().port();
}

int Server::run() {
  Impl& s = *impl_;
  s.signals.add(SIGINT);
  s.signals.add(SIGTERM);
  s.signals.async_wait([&s](boost::system::error_code ec, int sig) {
    if (!ec) s.start_shutdown(sig);
  });
  s.listener->run();
  s.reloader = std::make_unique<Reloader>(s.ioc, s.state);
  s.reloader->start();  // SIGHUP: reload knowledge/ and dialogs/
  // Blocked since main(): one that came during start-up is handled now.
  unblock_reload_signal();

  const auto& opt = s.state->options();
  auto content = s.state->content();
  log::info("ready", {{"host", opt.host},
                      {"port", port()},
                      {"threads", s.threads},
                      {"sections", section_count(*content)},
                      {"flows", flow_count(*content)},
                      {"web_files", s.state->files().size()},
                      {"allow_origins", opt.allow_origins},
                      {"public_origins", opt.public_origins},
                      {"content_load_ms", s.load_ms},
                      {"startup_ms", ms_since(opt.started)}});

  std::vector<std::thread> pool;
  pool.reserve(s.threads - 1);
  for (unsigned i = 1; i < s.threads; ++i) pool.emplace_back([&s] { s.ioc.run(); });
  s.ioc.run();
  for (auto& t : pool) t.join();
  s.reloader.reset();  // waits for a reload still loading
  if (auto* gaps = s.state->gaps()) {
    if (auto st = gaps->flush(); !st.ok()) log::warn("gap_report_flush", {{"error", st.error()}});
  }
  return 0;
}

}  // namespace guidechat::server
