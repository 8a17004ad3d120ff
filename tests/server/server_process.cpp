#include "server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <cstring>

#include <nlohmann/json.hpp>

#include "time_scale.hpp"

namespace guidechat::testing {

namespace {
std::mutex g_ready_mutex;
std::condition_variable g_ready_cv;
}  // namespace

ServerProcess::ServerProcess(const Options& options) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return;
  std::vector<std::string> argv_s = {GUIDECHAT_BIN, "serve", "--port", "0"};
  argv_s.insert(argv_s.end(), options.args.begin(), options.args.end());
  std::vector<std::string> env_s;
  for (char** e = environ; *e; ++e) {
    if (std::strncmp(*e, "GUIDECHAT_", 10) != 0) env_s.emplace_back(*e);
  }
  if (!options.session_key.empty()) env_s.push_back("GUIDECHAT_SESSION_KEY=" + options.session_key);
  env_s.insert(env_s.end(), options.env.begin(), options.env.end());
  std::vector<char*> argv, envp;
  for (auto& s : argv_s) argv.push_back(s.data());
  argv.push_back(nullptr);
  for (auto& s : env_s) envp.push_back(s.data());
  envp.push_back(nullptr);

  auto started = std::chrono::steady_clock::now();
  pid_ = fork();
  if (pid_ == 0) {
    dup2(fds[1], 2);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);
  reader_ = std::thread([this, fd = fds[0]] { read_stderr(fd); });
  if (options.on_started && pid_ > 0) options.on_started(pid_);

  std::unique_lock lock(g_ready_mutex);
  g_ready_cv.wait_for(lock, scaled(std::chrono::seconds(10)), [this] {
    std::lock_guard l(mutex_);
    return port_ != 0 || eof_;
  });
  startup_ = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - started);
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  if (reader_.joinable()) reader_.join();
}

void ServerProcess::read_stderr(int fd) {
  std::string pending;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) break;
    pending.append(buf, static_cast<std::size_t>(n));
    std::size_t nl;
    while ((nl = pending.find('\n')) != std::string::npos) {
      std::string line = pending.substr(0, nl);
      pending.erase(0, nl + 1);
      auto j = nlohmann::json::parse(line, nullptr, false);
      {
        std::lock_guard l(mutex_);
        if (j.is_object() && j.value("event", "") == "ready") {
          port_ = j.value("port", std::uint16_t{0});
        }
        lines_.push_back(std::move(line));
      }
      g_ready_cv.notify_all();
    }
  }
  close(fd);
  {
    std::lock_guard l(mutex_);
    if (!pending.empty()) lines_.push_back(pending);
    eof_ = true;
  }
  g_ready_cv.notify_all();
}

void ServerProcess::signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

int ServerProcess::wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      reaped_ = true;
      return code;
    }
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::vector<std::string> ServerProcess::logs() const {
  std::lock_guard l(mutex_);
  return lines_;
}

}  // namespace guidechat::testing
