// A real SMTP server on loopback for email tests: tests/support/smtp_sink.py (aiosmtpd)
// started on a free port, its received messages parsed by Python's email package.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/Process.h>

#include <memory>
#include <string>
#include <vector>

#include "support/test_backend.h"

namespace Poco {
class Pipe;
}

namespace sb::test {

class SmtpSink {
 public:
  // `auth` "user:pass" requires AUTH; "" accepts anyone. `discard`: accept and count only
  // (benchmarks); messages() is then empty.
  // `tls` "starttls" or "implicit": a self-signed certificate (cert_file()) for 127.0.0.1.
  // `auth_mechanism` "PLAIN" or "LOGIN": the only one offered ("": both).
  explicit SmtpSink(const std::string& auth = "", bool discard = false, const std::string& tls = "",
                    const std::string& auth_mechanism = "");
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  int port() const { return port_; }
  // The certificate a TLS sink serves (PEM), to trust as the client's CA file.
  std::string cert_file() const { return dir_.path() + "/cert.pem"; }
  // "451", "550", "drop" or "" (none): applies to the following transactions.
  void set_fault(const std::string& fault);
  // Messages received so far, oldest first: {mail_from, rcpt_tos, tls, content_type, headers,
  // parts: [{type, charset, transfer_encoding, text}], defects}.
  std::vector<Poco::JSON::Object::Ptr> messages() const;
  // The raw bytes of message `n` (1-based).
  std::string raw(int n) const;
  // SIGSTOP / SIGCONT the server: connections are accepted by the kernel and then hang, as
  // with a relay that stopped answering (chaos tests).
  void pause();
  void resume();

 private:
  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<Poco::Pipe> in_, out_;
  std::unique_ptr<Poco::ProcessHandle> process_;
};

}  // namespace sb::test
