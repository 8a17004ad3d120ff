#include "server/reload_signal.hpp"

#include <pthread.h>

#include <csignal>

namespace guidechat::server {

namespace {

void mask_reload_signal(int how) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(how, &set, nullptr);
}

}  // namespace

void block_reload_signal() {
  mask_reload_signal(SIG_BLOCK);
}

void unblock_reload_signal() {
  mask_reload_signal(SIG_UNBLOCK);
}

}  // namespace guidechat::server
