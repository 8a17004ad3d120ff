// Content reload on SIGHUP (`systemctl reload guidechat@PORT`): re-reads
// knowledge/ and dialogs/ with the same validation as `guidechat check`
// (session::load_content fails on any finding), and swaps the served content
// atomically. A broken edit is refused: the old content keeps serving and the
// log says why (file and line). Turns already running finish on the content
// they started with; conversations whose pending question no longer exists
// are told "welcome back" without it and carry on from there (dialog engine).
//
// Loading runs on its own thread, never on the I/O threads; a SIGHUP that
// arrives while a load is running causes one more load after it.
//
// Thread-safety: start() and stop() from the thread that runs the server
// set-up; reload() from any thread (loads are serialized by a mutex).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "common/result.hpp"

namespace guidechat::server {

class SharedState;

class Reloader {
 public:
  Reloader(boost::asio::io_context& ioc, std::shared_ptr<SharedState> state);
  ~Reloader();  // stops and waits for a running load
  Reloader(const Reloader&) = delete;
  Reloader& operator=(const Reloader&) = delete;

  // Listens for SIGHUP.
  void start();
  // Stops listening; a load already running finishes.
  void stop();
  // Loads, validates and swaps now; the error says why nothing changed.
  Status reload();
  // Optional word lists that were there at the load before the last
  // successful reload and are gone now (each also logged as a warning).
  std::vector<std::string> vanished_word_lists() const;

 private:
  void wait_signal();
  void on_signal();

  std::shared_ptr<SharedState> state_;
  boost::asio::signal_set signals_;
  mutable std::mutex load_mu_;           // one load at a time
  std::vector<std::string> word_lists_;  // guarded by load_mu_: present at the last load
  std::vector<std::string> vanished_;    // guarded by load_mu_
  std::mutex thread_mu_;
  std::thread worker_;              // guarded by thread_mu_
  std::atomic<bool> busy_{false};   // a worker is running
  std::atomic<bool> again_{false};  // a SIGHUP came during the running load
  std::atomic<bool> stopped_{false};
};

}  // namespace guidechat::server
