#include "server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

namespace guidechat::hardening {

namespace {

std::string temp_log_path() {
  static int counter = 0;
  auto dir = std::filesystem::temp_directory_path();
  return (dir / ("guidechat-hardening-" + std::to_string(::getpid()) + "-" +
                 std::to_string(++counter) + ".log"))
      .string();
}

}  // namespace

std::string server_binary() {
  if (const char* bin = std::getenv("GUIDECHAT_BIN"); bin && *bin) return bin;
  return GUIDECHAT_BINARY;
}

std::size_t raise_fd_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
  rl.rlim_cur = rl.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &rl);
  ::getrlimit(RLIMIT_NOFILE, &rl);
  return rl.rlim_cur;
}

Result<std::unique_ptr<ServerProcess>> ServerProcess::start(const Options& options) {
  std::unique_ptr<ServerProcess> p(new ServerProcess());
  p->log_path_ = temp_log_path();
  std::vector<std::string> argv = {server_binary(), "serve", "--port", "0", "--host", "127.0.0.1"};
  argv.insert(argv.end(), options.args.begin(), options.args.end());

  pid_t pid = ::fork();
  if (pid < 0) return Error{"fork failed"};
  if (pid == 0) {
    int fd = ::open(p->log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    for (const auto& [k, v] : options.env) ::setenv(k.c_str(), v.c_str(), 1);
    if (options.max_fds > 0) {
      rlimit rl{static_cast<rlim_t>(options.max_fds), static_cast<rlim_t>(options.max_fds)};
      ::setrlimit(RLIMIT_NOFILE, &rl);
    }
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  p->pid_ = pid;

  const auto deadline = std::chrono::steady_clock::now() + options.ready_timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::istringstream lines(p->log());
    std::string line;
    while (std::getline(lines, line)) {
      auto j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_object() && j.value("event", "") == "ready" && j.contains("port")) {
        p->port_ = j["port"].get<std::uint16_t>();
        return p;
      }
    }
    if (!p->alive()) return Error{"server exited before ready; log:\n" + p->log()};
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return Error{"server not ready in time; log:\n" + p->log()};
}

ServerProcess::~ServerProcess() {
  stop();
  std::error_code ec;
  std::filesystem::remove(log_path_, ec);
}

bool ServerProcess::alive() {
  if (pid_ < 0) return false;
  int status = 0;
  pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == 0) return true;
  status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  pid_ = -1;
  return false;
}

int ServerProcess::stop(std::chrono::milliseconds grace) {
  if (!alive()) return status_;
  ::kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (!alive()) return status_;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(pid_, SIGKILL);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  status_ = 128 + SIGKILL;
  return status_;
}

std::int64_t ServerProcess::rss_kib() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      std::int64_t v = 0;
      in >> v;
      return v;
    }
    in.ignore(1 << 16, '\n');
  }
  return 0;
}

std::chrono::milliseconds ServerProcess::cpu_time() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces): state is field 3,
  // utime and stime are fields 14 and 15.
  auto close = stat.rfind(')');
  if (close == std::string::npos) return std::chrono::milliseconds(0);
  std::istringstream rest(stat.substr(close + 2));
  std::string field;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  const long ticks = ::sysconf(_SC_CLK_TCK);
  return std::chrono::milliseconds((utime + stime) * 1000 / (ticks > 0 ? ticks : 100));
}

int ServerProcess::fd_count() const {
  std::error_code ec;
  int n = 0;
  for (auto it = std::filesystem::directory_iterator("/proc/" + std::to_string(pid_) + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

std::string ServerProcess::log() const {
  std::ifstream in(log_path_, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace guidechat::hardening
