#include "cli/tool_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace guidechat::cli {

namespace {

// Up to this much of a tool's stderr goes into the error message.
constexpr std::size_t kMaxErrorBytes = 2000;

struct Pipes {
  int out[2] = {-1, -1};
  int err[2] = {-1, -1};
  ~Pipes() {
    for (int fd : {out[0], out[1], err[0], err[1]}) {
      if (fd >= 0) close(fd);
    }
  }
};

void close_fd(int* fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

// Starts the child with stdin from /dev/null and stdout/stderr to the pipes.
int spawn(const ToolCall& call, Pipes* p, pid_t* pid) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, p->out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, p->err[1], 2);
  std::vector<char*> argv;
  for (const auto& a : call.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  int rc = posix_spawnp(pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc;
}

// Reads both pipes until they close, the deadline passes or stdout grows
// past the bound; returns "" or what went wrong.
std::string drain(const ToolCall& call, Pipes* p, std::string* out, std::string* err) {
  auto deadline = std::chrono::steady_clock::now() + call.timeout;
  char buf[65536];
  while (p->out[0] >= 0 || p->err[0] >= 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return "did not finish within " + std::to_string(call.timeout.count() / 1000) + " s";
    }
    pollfd fds[2] = {{p->out[0], POLLIN, 0}, {p->err[0], POLLIN, 0}};
    int n = poll(fds, 2, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return std::string("poll failed: ") + std::strerror(errno);
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t got = read(fds[i].fd, buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        close_fd(i == 0 ? &p->out[0] : &p->err[0]);
        continue;
      }
      std::string* to = i == 0 ? out : err;
      if (i == 1 && to->size() >= kMaxErrorBytes) continue;
      to->append(buf, static_cast<std::size_t>(got));
      if (i == 0 && out->size() > call.max_output) {
        return "wrote more than " + std::to_string(call.max_output) + " bytes";
      }
    }
  }
  return "";
}

}  // namespace

Result<std::string> run_tool(const ToolCall& call) {
  const std::string& tool = call.argv.at(0);
  std::string install = " (Debian package " + call.package + ")";
  Pipes p;
  if (pipe2(p.out, O_CLOEXEC) != 0 || pipe2(p.err, O_CLOEXEC) != 0) {
    return Error{"cannot run " + tool + ": " + std::strerror(errno)};
  }
  pid_t pid = -1;
  int rc = spawn(call, &p, &pid);
  if (rc != 0) {
    if (rc == ENOENT) {
      return Error{tool + " is not installed: apt-get install -y " + call.package};
    }
    return Error{"cannot run " + tool + ": " + std::strerror(rc) + install};
  }
  close_fd(&p.out[1]);
  close_fd(&p.err[1]);
  std::string out, err;
  std::string problem = drain(call, &p, &out, &err);
  if (!problem.empty()) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (problem.empty() && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
    problem = WIFEXITED(status) ? "failed (exit " + std::to_string(WEXITSTATUS(status)) + ")"
                                : "was killed by signal " + std::to_string(WTERMSIG(status));
  }
  if (!problem.empty()) {
    if (err.size() > kMaxErrorBytes) err.resize(kMaxErrorBytes);
    while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
    return Error{tool + " " + problem + (err.empty() ? "" : ": " + err) + install};
  }
  return out;
}

}  // namespace guidechat::cli
