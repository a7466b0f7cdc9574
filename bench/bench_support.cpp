// Helpers shared by the bench scenarios.
#include "bench_support.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace sb::bench {

const std::string kKey = "sb_bench_owner_key_00000000000000000000";

Child::Child(const std::string& binary, const std::vector<std::string>& args,
             const std::vector<std::pair<std::string, std::string>>& env) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe");
  std::vector<std::string> argv_s = {binary};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<std::string> env_s;
  for (char** e = environ; *e; ++e) env_s.emplace_back(*e);
  for (const auto& [k, v] : env) env_s.push_back(k + "=" + v);
  std::vector<char*> argv, envp;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_ = ::fork();
  if (pid_ == 0) {
    // A bench killed by a signal runs no destructor: the server must not outlive it.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    ::dup2(fds[1], 1);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  out_ = ::fdopen(fds[0], "r");
  char line[512];
  while (std::fgets(line, sizeof line, out_)) {
    std::string l(line);
    auto at = l.find("listening on http://127.0.0.1:");
    if (at != std::string::npos) {
      port_ = std::stoi(l.substr(at + 30));
      break;
    }
  }
  if (port_ <= 0) throw std::runtime_error(binary + " did not start");
}

Child::~Child() {
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  if (out_) std::fclose(out_);
}

double Child::status_mb(const std::string& field) const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024.0;
  }
  return 0;
}

double Child::wait_idle(std::chrono::seconds limit) const {
  // utime + stime, in clock ticks: fields 14 and 15 of /proc/PID/stat, after the ")"
  // that ends the command name.
  auto cpu_ticks = [&] {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string f;
    long long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i) {
      if (i == 14) utime = std::atoll(f.c_str());
      if (i == 15) stime = std::atoll(f.c_str());
    }
    return utime + stime;
  };
  const auto started = std::chrono::steady_clock::now();
  long long before = cpu_ticks();
  while (std::chrono::steady_clock::now() - started < limit) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    long long now = cpu_ticks();
    if (now - before <= 2) break;  // at most 20 ms of CPU in a second
    before = now;
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
}

void Child::reset_peak_rss() const {
  std::ofstream("/proc/" + std::to_string(pid_) + "/clear_refs") << "5";
}

std::vector<std::pair<std::string, std::string>> server_env(const std::string& db_url,
                                                            bool auth_cache) {
  return {{"SB_HTTP_PORT", "0"},
          {"SB_DATABASE_URL", db_url},
          {"SB_BOOTSTRAP_API_KEY", kKey},
          {"SB_ACCESS_LOG", "false"},
          {"SB_RATE_LIMIT_RPS", "0"},
          {"SB_LOG_LEVEL", "warning"},
          {"SB_AUTH_CACHE_TTL_MS", auth_cache ? "2000" : "0"}};
}

double self_peak_rss_mb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  }
  return 0;
}

void reset_self_peak_rss() {
  std::ofstream("/proc/self/clear_refs") << "5";  // resets VmHWM to the current RSS
}

Row http_row(const std::string& name, const std::string& backend, const Child& child,
             const BenchOptions& o, LoadSpec spec) {
  spec.port = child.port();
  spec.bearer = spec.bearer.empty() ? std::string() : spec.bearer;
  if (spec.clients <= 0) spec.clients = o.clients;
  spec.duration = o.duration;
  Row row{name, backend, spec.clients, run_load(spec), child.status_mb("VmHWM")};
  std::cerr << "  " << name << " (" << backend << "): " << static_cast<long>(row.load.throughput())
            << " req/s, p99 " << row.load.p99_ms << " ms" << std::endl;
  return row;
}

}  // namespace sb::bench
