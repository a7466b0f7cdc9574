#include "support/serve_process.h"

#include <Poco/StreamCopier.h>
#include <fcntl.h>
#include <signal.h>

#include <sstream>

namespace sb::test {

namespace {

Poco::ProcessHandle launch(const std::string& binary, const Poco::Process::Env& env,
                           const std::string& cwd, Poco::Pipe* out, const ServeOptions& o) {
  Poco::Pipe* err = o.with_stderr ? out : nullptr;
  if (!o.die_with_parent)
    return Poco::Process::launch(binary, {"serve"}, cwd, nullptr, out, err, env);
  // sh only redirects, then becomes setpriv, which becomes the server: one process, whose
  // parent is this thread.
  std::string cmd = "exec /usr/bin/setpriv --pdeathsig KILL -- \"$0\" serve";
  if (!o.stderr_file.empty()) cmd += " 2>>\"$1\"";
  return Poco::Process::launch("/bin/sh", {"-c", cmd, binary, o.stderr_file}, cwd, nullptr, out,
                               err, env);
}

}  // namespace

ServeProcess::ServeProcess(const std::string& binary, const Poco::Process::Env& env,
                           const std::string& cwd, const ServeOptions& options)
    : handle_(launch(binary, env, cwd, &out_, options)), stream_(out_) {
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
