#include "support/serve_process.h"

#include <Poco/StreamCopier.h>
#include <fcntl.h>
#include <signal.h>

#include <sstream>

namespace sb::test {

namespace {

Poco::ProcessHandle launch(const std::string& binary, const Poco::Process::Env& env,
                           const std::string& cwd, Poco::Pipe* out, bool with_stderr,
                           bool die_with_parent) {
  if (die_with_parent) {
    return Poco::Process::launch("/usr/bin/setpriv", {"--pdeathsig", "KILL", "--", binary, "serve"},
                                 cwd, nullptr, out, with_stderr ? out : nullptr, env);
  }
  return Poco::Process::launch(binary, {"serve"}, cwd, nullptr, out, with_stderr ? out : nullptr,
                               env);
}

}  // namespace

ServeProcess::ServeProcess(const std::string& binary, const Poco::Process::Env& env,
                           const std::string& cwd, bool with_stderr, bool die_with_parent)
    : handle_(launch(binary, env, cwd, &out_, with_stderr, die_with_parent)),
      stream_(out_) {
  // Later children (another server, a database) must not hold this pipe open.
  ::fcntl(out_.readHandle(), F_SETFD, FD_CLOEXEC);
}

ServeProcess::~ServeProcess() {
  if (Poco::Process::isRunning(handle_)) {
    signal(SIGKILL);
    handle_.wait();
  }
}

int ServeProcess::wait_for_port() {
  std::string line;
  while (std::getline(stream_, line)) {
    lines_.push_back(line);
    auto at = line.find("listening on http://127.0.0.1:");
    if (at != std::string::npos) return std::stoi(line.substr(at + 30));
  }
  return -1;
}

bool ServeProcess::read_line(std::string& line) {
  return static_cast<bool>(std::getline(stream_, line));
}

std::string ServeProcess::rest_of_output() {
  std::ostringstream o;
  Poco::StreamCopier::copyStream(stream_, o);
  return o.str();
}

void ServeProcess::signal(int sig) {
  ::kill(static_cast<pid_t>(handle_.id()), sig);
}

}  // namespace sb::test
