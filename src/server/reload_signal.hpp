// SIGHUP asks a running server to reload its content (Reloader). Its default
// action ends the process, so a SIGHUP that comes while the server starts
// (`systemctl reload` right after `start`) must neither kill it nor be lost:
// main() blocks it before anything else, so it waits as pending, and
// Server::run() unblocks it once the Reloader listens, which then handles it.
// Other commands unblock it at once and keep its default action.
//
// Thread-safety: call block_reload_signal() before any thread is started
// (threads inherit the mask); unblock_reload_signal() affects the calling
// thread only.
#pragma once

namespace guidechat::server {

void block_reload_signal();
void unblock_reload_signal();

}  // namespace guidechat::server
