// A `switchboard serve` child process for tests that need the real executable: started
// with its own environment, its stdout read line by line, killed (SIGKILL) if still
// running when the object dies.
#pragma once

#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>

#include <string>
#include <vector>

namespace sb::test {

struct ServeOptions {
  bool with_stderr = false;  // the log (stderr) read through the same stream as stdout
  // The kernel kills the server when the thread that started it ends (setpriv
  // --pdeathsig), so a test killed by a timeout leaves no server behind. Start such
  // servers from the test's main thread only.
  bool die_with_parent = false;
  std::string stderr_file;  // with die_with_parent: the log appended to this file
};

class ServeProcess {
 public:
  ServeProcess(const std::string& binary, const Poco::Process::Env& env, const std::string& cwd,
               const ServeOptions& options = {});
  int pid() const { return static_cast<int>(handle_.id()); }
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // Reads stdout until the "listening on" line; returns the port, -1 if it never came.
  int wait_for_port();
  bool read_line(std::string& line);
  std::string rest_of_output();
  const std::vector<std::string>& lines() const { return lines_; }
  Poco::ProcessHandle& handle() { return handle_; }
  void signal(int sig);  // SIGTERM: graceful; SIGKILL: a crash
  int wait() { return handle_.wait(); }

 private:
  Poco::Pipe out_;
  Poco::ProcessHandle handle_;
  Poco::PipeInputStream stream_;
  std::vector<std::string> lines_;
};

}  // namespace sb::test
