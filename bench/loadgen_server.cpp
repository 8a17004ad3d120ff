#include "loadgen_server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include "loadgen_config.hpp"

namespace guidechat::bench {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

// Sends one GET /healthz; true on "HTTP/1.x 200". Never throws.
bool healthz_ok(net::io_context& ioc, std::uint16_t port, bool tcp_only) {
  boost::system::error_code ec;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), port), ec);
  if (ec) return false;
  if (tcp_only) return true;
  const std::string request =
      "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  net::write(socket, net::buffer(request), ec);
  if (ec) return false;
  net::streambuf response;
  net::read_until(socket, response, "\r\n", ec);
  if (ec) return false;
  std::string line(net::buffers_begin(response.data()), net::buffers_end(response.data()));
  return line.rfind("HTTP/1.1 200", 0) == 0 || line.rfind("HTTP/1.0 200", 0) == 0;
}

std::int64_t status_field_kib(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      std::istringstream fields(line.substr(field.size() + 1));
      std::int64_t kib = 0;
      fields >> kib;
      return kib;
    }
  }
  return 0;
}

}  // namespace

ServerProcess::~ServerProcess() {
  stop();
}

Status ServerProcess::spawn(std::vector<std::string> argv, std::uint16_t port,
                            const std::string& log) {
  if (argv.empty()) return Status::Fail("no server command given");
  for (auto& arg : argv) {
    for (std::size_t at = arg.find("{port}"); at != std::string::npos; at = arg.find("{port}")) {
      arg.replace(at, 6, std::to_string(port));
    }
  }
  std::vector<char*> args;
  for (auto& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  const int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return Status::Fail("cannot open server log " + log);
  port_ = port;
  started_ns_ = now_ns();
  pid_ = ::fork();
  if (pid_ < 0) {
    ::close(log_fd);
    return Status::Fail("fork failed");
  }
  if (pid_ == 0) {
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(log_fd);
  return Status::Ok();
}

Result<std::chrono::nanoseconds> ServerProcess::wait_ready(Readiness how,
                                                           std::chrono::milliseconds timeout) {
  net::io_context ioc;
  const std::int64_t give_up = started_ns_ + timeout.count() * 1'000'000;
  while (now_ns() < give_up) {
    if (healthz_ok(ioc, port_, how == Readiness::kTcp)) {
      return std::chrono::nanoseconds(now_ns() - started_ns_);
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return Error{"the server exited before it was ready (see its log)"};
    }
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  return Error{"the server was not ready in time"};
}

void ServerProcess::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  for (int i = 0; i < 300; ++i) {
    if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

Result<std::uint16_t> free_port() {
  net::io_context ioc;
  boost::system::error_code ec;
  tcp::acceptor acceptor(ioc);
  acceptor.open(tcp::v4(), ec);
  if (!ec) acceptor.bind(tcp::endpoint(net::ip::make_address_v4("127.0.0.1"), 0), ec);
  if (ec) return Error{"cannot find a free port: " + ec.message()};
  return acceptor.local_endpoint().port();
}

std::int64_t rss_kib(pid_t pid) {
  return status_field_kib(pid, "VmRSS");
}
std::int64_t peak_rss_kib(pid_t pid) {
  return status_field_kib(pid, "VmHWM");
}

std::int64_t cpu_us(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name, which may contain spaces, start after ')'.
  const auto close = content.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(content.substr(close + 2));
  std::string skip;
  for (int i = 3; i < 14; ++i) fields >> skip;  // state .. cmajflt
  std::int64_t utime = 0, stime = 0;
  fields >> utime >> stime;
  return (utime + stime) * 1'000'000 / ::sysconf(_SC_CLK_TCK);
}

std::int64_t run_delay_us(pid_t pid) {
  std::error_code ec;
  std::int64_t total_ns = 0;
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  for (const auto& task : std::filesystem::directory_iterator(tasks, ec)) {
    std::ifstream in(task.path() / "schedstat");
    std::int64_t on_cpu = 0, waiting = 0;
    if (in >> on_cpu >> waiting) total_ns += waiting;
  }
  return total_ns / 1000;
}

}  // namespace guidechat::bench
