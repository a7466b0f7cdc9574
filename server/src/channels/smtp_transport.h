// Sends finished messages over SMTP (SB_SMTP_URL): smtp:// with STARTTLS when the server
// offers it, smtps:// implicit TLS, AUTH PLAIN or LOGIN, a small pool of reused connections, and
// every reply classified as sent, transient (4xx, network: retry later) or permanent (5xx).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace Poco {
template <class C>
class AutoPtr;
namespace Net {
class Context;
}
}  // namespace Poco

namespace sb::channels {

struct SmtpSettings {
  enum class Tls { kNone, kStartTls, kImplicit };
  std::string host;
  int port = 25;
  std::string user, password;
  Tls tls = Tls::kStartTls;  // kStartTls: used when offered; required when credentials are set
  std::chrono::milliseconds timeout{10000};
  int connections = 2;
  std::string helo = "switchboard";
  std::string ca_file;  // PEM CAs to trust instead of the system's ("": the system's)
};

// smtp://[user:pass@]host[:port] (STARTTLS when offered) or smtps://... (implicit TLS,
// port 465 by default); ?connections=N&timeout_ms=M&ca_file=/path/ca.pem. Throws Error (config)
// naming the part.
SmtpSettings parse_smtp_url(std::string_view url);

struct SendOutcome {
  enum class Kind { kSent, kTransient, kPermanent };
  Kind kind = Kind::kSent;
  int code = 0;       // the SMTP reply code, 0 for network failures
  std::string reply;  // the server's text or the network error

  // A 5xx naming the mailbox (550, 551, 553): it does not exist; never try it again.
  bool hard_bounce() const {
    return kind == Kind::kPermanent && (code == 550 || code == 551 || code == 553);
  }
};

class SmtpTransport;
class RawSmtpSession;

// A message sent up to its final dot: the server holds it but has not accepted it, so the
// caller can durably record the send before finish() makes it real. Dropped unfinished, the
// connection closes mid-DATA and the server discards the message.
class PendingSend {
 public:
  PendingSend(PendingSend&&) noexcept;
  PendingSend& operator=(PendingSend&&) noexcept;
  ~PendingSend();

  bool ready() const { return connection_ != nullptr; }
  // Why it is not ready (transient or permanent, with the server's reply).
  const SendOutcome& outcome() const { return outcome_; }
  // Writes the final dot (once); the server delivers the message from then on. Never
  // throws: a failed write shows in finish().
  void write_dot() noexcept;
  // Writes the dot unless written, reads the verdict; the connection returns to the pool.
  SendOutcome finish();

 private:
  friend class SmtpTransport;
  struct Connection;
  PendingSend(SmtpTransport* transport, std::unique_ptr<Connection> c, SendOutcome outcome);

  SmtpTransport* transport_ = nullptr;
  std::unique_ptr<Connection> connection_;
  SendOutcome outcome_;
  bool dot_written_ = false;
  std::string dot_error_;
};

class SmtpTransport {
 public:
  explicit SmtpTransport(SmtpSettings settings);
  ~SmtpTransport();
  SmtpTransport(const SmtpTransport&) = delete;
  SmtpTransport& operator=(const SmtpTransport&) = delete;

  // One message to one recipient. `message`: the RFC 5322 text with CRLF line ends.
  SendOutcome send(const std::string& mail_from, const std::string& rcpt,
                   const std::string& message);
  // MAIL, RCPT, DATA and the content, without the final dot (see PendingSend).
  PendingSend prepare(const std::string& mail_from, const std::string& rcpt,
                      const std::string& message);

 private:
  friend class PendingSend;
  using Connection = PendingSend::Connection;
  std::unique_ptr<Connection> acquire(std::string& error, bool& reused);
  // One MAIL/RCPT/DATA exchange up to the dot; `started` once the server accepted MAIL FROM.
  PendingSend transact(std::unique_ptr<Connection> c, const std::string& mail_from,
                       const std::string& rcpt, const std::string& message, bool& started);
  void release(std::unique_ptr<Connection> c);
  // AUTH PLAIN when offered, else AUTH LOGIN; false with `error` when refused.
  bool authenticate(RawSmtpSession& session, std::string& error);

  SmtpSettings settings_;
  std::unique_ptr<Poco::AutoPtr<Poco::Net::Context>> tls_;  // kept out of this header
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace sb::channels
