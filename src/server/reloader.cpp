#include "server/reloader.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>

#include "server/logging.hpp"
#include "server/served_content.hpp"
#include "server/shared_state.hpp"

namespace guidechat::server {

Reloader::Reloader(boost::asio::io_context& ioc, std::shared_ptr<SharedState> state)
    : state_(std::move(state)), signals_(ioc), word_lists_(present_word_lists(state_->options())) {}

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

std::vector<std::string> Reloader::vanished_word_lists() const {
  std::lock_guard lock(load_mu_);
  return vanished_;
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
  // A deleted optional word list is no error (the content loads without
  // it) but answers get worse: say so.
  auto present = present_word_lists(opt);
  vanished_.clear();
  for (const auto& file : word_lists_) {
    if (std::find(present.begin(), present.end(), file) != present.end()) continue;
    vanished_.push_back(file);
    log::warn("reload_word_list_missing",
              {{"file", file},
               {"message",
                "this word list was there at the last load and is gone now; the content is "
                "served without it, and answers may be worse. Restore it and reload."}});
  }
  word_lists_ = std::move(present);
  if (auto* gaps = state_->gaps()) gaps->set_index(content->index);
  state_->swap_content(content);
  state_->metrics().content_reload(true);
  log::info(
      "reloaded",
      {{"sections", section_count(*content)}, {"flows", flow_count(*content)}, {"load_ms", ms}});
  return Status::Ok();
}

}  // namespace guidechat::server
