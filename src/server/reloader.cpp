#include "server/reloader.hpp"

#include <chrono>
#include <csignal>

#include "server/logging.hpp"
#include "server/shared_state.hpp"

namespace guidechat::server {

Reloader::Reloader(boost::asio::io_context& ioc, std::shared_ptr<SharedState> state)
    : state_(std::move(state)), signals_(ioc) {}

Reloader::~Reloader() {
  stop();
  std::lock_guard lock(thread_mu_);
  if (worker_.joinable()) worker_.join();
}

void Reloader::start() {
  boost::system::error_code ec;
  signals_.add(SIGHUP, ec);
  if (ec) {
    log::warn("reload_unavailable", {{"error", ec.message()}});
    return;
  }
  wait_signal();
}

void Reloader::stop() {
  stopped_.store(true);
  boost::system::error_code ec;
  signals_.cancel(ec);
}

void Reloader::wait_signal() {
  signals_.async_wait([this](boost::system::error_code ec, int) {
    if (ec || stopped_.load()) return;
    on_signal();
    wait_signal();
  });
}

void Reloader::on_signal() {
  if (busy_.exchange(true)) {
    again_.store(true);  // the running worker loads once more when done
    return;
  }
  std::lock_guard lock(thread_mu_);
  if (worker_.joinable()) worker_.join();  // finished: busy_ was false
  worker_ = std::thread([this] {
    for (;;) {
      again_.store(false);
      (void)reload();
      if (again_.load() && !stopped_.load()) continue;
      busy_.store(false);
      // A SIGHUP between the check above and clearing busy_ must not be lost.
      if (again_.load() && !stopped_.load() && !busy_.exchange(true)) continue;
      break;
    }
  });
}

Status Reloader::reload() {
  std::lock_guard lock(load_mu_);
  auto started = std::chrono::steady_clock::now();
  const auto& opt = state_->options();
  auto next = load_served_content(opt);
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  if (!next.ok()) {
    state_->metrics().content_reload(false);
    log::error("reload_refused", {{"error", next.error()},
                                  {"knowledge", opt.knowledge_dir},
                                  {"dialogs", opt.dialogs_dir},
                                  {"message",
                                   "the edit was not applied; still serving the "
                                   "content loaded before"}});
    return Status::Fail(next.error());
  }
  const auto& content = *next;
  if (auto* gaps = state_->gaps()) gaps->set_index(content->index);
  state_->swap_content(content);
  state_->metrics().content_reload(true);
  log::info(
      "reloaded",
      {{"sections", section_count(*content)}, {"flows", flow_count(*content)}, {"load_ms", ms}});
  return Status::Ok();
}

}  // namespace guidechat::server
