#include "support/smtp_sink.h"

#include <signal.h>

#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>

#include <fcntl.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace sb::test {

namespace fs = std::filesystem;

SmtpSink::SmtpSink(const std::string& auth, bool discard, const std::string& tls,
                   const std::string& auth_mechanism) {
  {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    port_ = probe.address().port();
  }
  std::vector<std::string> args = {SB_SMTP_SINK_SCRIPT, "--port", std::to_string(port_), "--dir",
                                   dir_.path()};
  if (!auth.empty()) args.insert(args.end(), {"--auth", auth});
  if (discard) args.push_back("--discard");
  if (!tls.empty()) args.insert(args.end(), {"--tls", tls});
  if (!auth_mechanism.empty()) args.insert(args.end(), {"--auth-mechanism", auth_mechanism});
  in_ = std::make_unique<Poco::Pipe>();
  out_ = std::make_unique<Poco::Pipe>();
  // Debian's interpreter, where python3-aiosmtpd is installed (./dev installs it).
  process_ = std::make_unique<Poco::ProcessHandle>(
      Poco::Process::launch("/usr/bin/python3", args, in_.get(), out_.get(), nullptr));
  // Our ends stay ours: a process started later (a PostgreSQL server through system())
  // holding the write end would keep the sink from seeing EOF when the test ends.
  ::fcntl(in_->writeHandle(), F_SETFD, FD_CLOEXEC);
  ::fcntl(out_->readHandle(), F_SETFD, FD_CLOEXEC);
  Poco::PipeInputStream ready(*out_);
  std::string line;
  std::getline(ready, line);
  if (line.rfind("ready", 0) != 0) {
    throw std::runtime_error("the SMTP sink did not start (is python3-aiosmtpd installed?)");
  }
}

SmtpSink::~SmtpSink() {
  try {
    in_->close(Poco::Pipe::CLOSE_WRITE);  // the sink stops at EOF on stdin
    process_->wait();
  } catch (...) {
    Poco::Process::kill(*process_);
  }
}

void SmtpSink::set_fault(const std::string& fault) {
  std::ofstream(dir_.path() + "/fault.tmp") << fault;
  fs::rename(dir_.path() + "/fault.tmp", dir_.path() + "/fault");
}

std::vector<Poco::JSON::Object::Ptr> SmtpSink::messages() const {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir_.path())) {
    if (e.path().extension() == ".json") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<Poco::JSON::Object::Ptr> out;
  for (const auto& f : files) {
    std::ifstream in(f);
    std::stringstream text;
    text << in.rdbuf();
    out.push_back(Poco::JSON::Parser().parse(text.str()).extract<Poco::JSON::Object::Ptr>());
  }
  return out;
}

std::string SmtpSink::raw(int n) const {
  char name[16];
  std::snprintf(name, sizeof name, "%06d.eml", n);
  std::ifstream in(dir_.path() + "/" + name, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void SmtpSink::pause() {
  ::kill(static_cast<pid_t>(process_->id()), SIGSTOP);
}

void SmtpSink::resume() {
  ::kill(static_cast<pid_t>(process_->id()), SIGCONT);
}

}  // namespace sb::test
