#include "channels/smtp_transport.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <fstream>
#include <sstream>

#include "channels/tls_client.h"
#include "model/error.h"
#include "model/hash.h"

namespace sb::channels {
namespace {

[[noreturn]] void bad_url(const std::string& why) {
  throw Error(ErrorCode::kConfigInvalid, "SB_SMTP_URL: " + why, {{"setting", "SB_SMTP_URL"}});
}

bool positive(int status) {
  return status >= 200 && status < 400;
}

}  // namespace

SmtpSettings parse_smtp_url(std::string_view text) {
  Poco::URI uri;
  try {
    uri = Poco::URI(std::string(text));
  } catch (const Poco::Exception& e) {
    bad_url("not a URL (" + e.displayText() + ")");
  }
  SmtpSettings s;
  if (uri.getScheme() == "smtp") {
    s.tls = SmtpSettings::Tls::kStartTls;
    s.port = 25;
  } else if (uri.getScheme() == "smtps") {
    s.tls = SmtpSettings::Tls::kImplicit;
    s.port = 465;
  } else {
    bad_url("the scheme must be smtp or smtps");
  }
  if (uri.getHost().empty()) bad_url("no host");
  s.host = uri.getHost();
  if (uri.getSpecifiedPort() != 0) s.port = uri.getSpecifiedPort();
  const std::string info = uri.getUserInfo();
  if (!info.empty()) {
    auto colon = info.find(':');
    std::string user = info.substr(0, colon),
                pass = colon == std::string::npos ? "" : info.substr(colon + 1);
    Poco::URI::decode(user, s.user);
    Poco::URI::decode(pass, s.password);
  }
  for (const auto& [k, v] : uri.getQueryParameters()) {
    try {
      if (k == "connections") {
        s.connections = std::stoi(v);
        if (s.connections < 1 || s.connections > 64) bad_url("connections must be 1..64");
      } else if (k == "timeout_ms") {
        s.timeout = std::chrono::milliseconds(std::stol(v));
        if (s.timeout.count() < 100) bad_url("timeout_ms must be >= 100");
      } else if (k == "ca_file") {
        // A relay with a private CA: trust only that file's certificates.
        if (!std::ifstream(v).good()) bad_url("ca_file: cannot read '" + v + "'");
        s.ca_file = v;
      } else {
        bad_url("unknown parameter '" + k + "' (connections, timeout_ms, ca_file)");
      }
    } catch (const std::logic_error&) {
      bad_url(k + " must be a number");
    }
  }
  return s;
}

// Poco sends a MailMessage it builds itself; ours is finished text, so DATA goes through
// the session's socket, which Poco keeps protected.
class RawSmtpSession : public Poco::Net::SecureSMTPClientSession {
 public:
  using Poco::Net::SecureSMTPClientSession::SecureSMTPClientSession;
  Poco::Net::DialogSocket& dialog() { return socket(); }
};

struct PendingSend::Connection {
  std::unique_ptr<RawSmtpSession> session;
};

namespace {

void send_all(Poco::Net::DialogSocket& socket, const std::string& data) {
  std::size_t done = 0;
  while (done < data.size()) {
    int n = socket.sendBytes(data.data() + done, static_cast<int>(data.size() - done));
    if (n <= 0) throw Poco::Net::NetException("connection closed while sending");
    done += static_cast<std::size_t>(n);
  }
}

SendOutcome refused(int status, std::string reply) {
  return {status >= 500 ? SendOutcome::Kind::kPermanent : SendOutcome::Kind::kTransient, status,
          std::move(reply)};
}

}  // namespace

PendingSend::PendingSend(SmtpTransport* transport, std::unique_ptr<Connection> c,
                         SendOutcome outcome)
    : transport_(transport), connection_(std::move(c)), outcome_(std::move(outcome)) {}
PendingSend::PendingSend(PendingSend&&) noexcept = default;
PendingSend& PendingSend::operator=(PendingSend&&) noexcept = default;

PendingSend::~PendingSend() {
  if (!connection_) return;
  // Closing mid-DATA is how SMTP aborts a message; QUIT would become part of the content.
  try {
    connection_->session->dialog().close();
  } catch (...) {
  }
}

void PendingSend::write_dot() noexcept {
  if (!connection_ || dot_written_) return;
  dot_written_ = true;
  try {
    send_all(connection_->session->dialog(), ".\r\n");
  } catch (const Poco::Exception& e) {
    dot_error_ = e.displayText();
  } catch (const std::exception& e) {
    dot_error_ = e.what();
  }
}

SendOutcome PendingSend::finish() {
  if (!connection_) return outcome_;
  write_dot();
  auto c = std::move(connection_);
  auto& s = *c->session;
  // The dot may or may not have arrived: the caller already recorded the send.
  if (!dot_error_.empty()) return {SendOutcome::Kind::kTransient, 0, dot_error_};
  try {
    std::string reply;
    int status = s.dialog().receiveStatusMessage(reply);
    if (!positive(status)) {
      std::string rset;
      if (status != 421 && positive(s.sendCommand("RSET", rset))) transport_->release(std::move(c));
      return refused(status, reply);
    }
    transport_->release(std::move(c));
    return {SendOutcome::Kind::kSent, status, reply};
  } catch (const Poco::Exception& e) {
    // The dot may or may not have arrived: the caller already recorded the send.
    return {SendOutcome::Kind::kTransient, 0, e.displayText()};
  }
}

SmtpTransport::SmtpTransport(SmtpSettings settings)
    : settings_(std::move(settings)),
      tls_(std::make_unique<Poco::Net::Context::Ptr>(tls_client_context(settings_.ca_file))) {}
SmtpTransport::~SmtpTransport() {
  std::lock_guard lock(mutex_);
  for (auto& c : idle_) {
    try {
      c->session->close();  // QUIT
    } catch (...) {
    }
  }
}

std::unique_ptr<SmtpTransport::Connection> SmtpTransport::acquire(std::string& error,
                                                                  bool& reused) {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      reused = true;
      return c;
    }
  }
  auto c = std::make_unique<Connection>();
  const Poco::Timespan timeout(settings_.timeout.count() * 1000);
  try {
    Poco::Net::SocketAddress addr(settings_.host, static_cast<Poco::UInt16>(settings_.port));
    if (settings_.tls == SmtpSettings::Tls::kImplicit) {
      Poco::Net::SecureStreamSocket socket(addr, *tls_);
      socket.setNoDelay(true);
      c->session = std::make_unique<RawSmtpSession>(socket);
    } else {
      Poco::Net::StreamSocket socket;
      socket.connect(addr, timeout);
      // The content and its final dot are separate small writes, each followed by a read:
      // Nagle's algorithm would hold the dot back for the server's delayed ACK (and on
      // some network stacks, indefinitely).
      socket.setNoDelay(true);
      c->session = std::make_unique<RawSmtpSession>(socket);
    }
    c->session->setTimeout(timeout);
    c->session->login(settings_.helo);  // EHLO
    if (settings_.tls == SmtpSettings::Tls::kStartTls) {
      bool secured = c->session->startTLS(*tls_);
      // Credentials never travel in clear: without STARTTLS, only anonymous relaying.
      if (!secured && !settings_.user.empty()) {
        error = "the server does not offer STARTTLS; refusing to send credentials in clear";
        return nullptr;
      }
    }
    if (!settings_.user.empty() && !authenticate(*c->session, error)) return nullptr;
  } catch (const Poco::Exception& e) {
    error = "cannot connect to " + settings_.host + ":" + std::to_string(settings_.port) + ": " +
            e.displayText();
    return nullptr;
  }
  return c;
}

// Written here rather than through Poco's login(): its AUTH LOGIN skips authentication
// without an error when the server's prompts are not the exact text it expects.
bool SmtpTransport::authenticate(RawSmtpSession& session, std::string& error) {
  std::string reply;
  // EHLO again: after STARTTLS the server's capabilities start afresh (RFC 3207).
  int status = session.sendCommand("EHLO", settings_.helo, reply);
  if (!positive(status)) {
    error = "EHLO refused: " + reply;
    return false;
  }
  // "250-AUTH PLAIN LOGIN" (or the old "250-AUTH=LOGIN"): the mechanisms on offer.
  bool plain = false, login = false;
  std::istringstream lines(reply);
  for (std::string line; std::getline(lines, line);) {
    if (line.size() < 9) continue;
    std::string caps = Poco::toUpper(line.substr(4));
    if (caps.rfind("AUTH", 0) != 0 || (caps[4] != ' ' && caps[4] != '=')) continue;
    std::istringstream words(caps.substr(5));
    for (std::string w; words >> w;) {
      plain = plain || w == "PLAIN";
      login = login || w == "LOGIN";
    }
  }
  auto refused_auth = [&](int code, const std::string& text) {
    error = "authentication failed: " + std::to_string(code) + " " + text;
    return false;
  };
  if (plain) {
    std::string token = base64(std::string(1, '\0') + settings_.user + '\0' + settings_.password);
    status = session.sendCommand("AUTH PLAIN", token, reply);
    return status == 235 || refused_auth(status, reply);
  }
  if (login) {
    status = session.sendCommand("AUTH LOGIN", reply);
    if (status != 334) return refused_auth(status, reply);
    status = session.sendCommand(base64(settings_.user), reply);
    if (status != 334) return refused_auth(status, reply);
    status = session.sendCommand(base64(settings_.password), reply);
    return status == 235 || refused_auth(status, reply);
  }
  error = "the server offers neither AUTH PLAIN nor AUTH LOGIN";
  return false;
}

void SmtpTransport::release(std::unique_ptr<Connection> c) {
  std::lock_guard lock(mutex_);
  if (static_cast<int>(idle_.size()) < settings_.connections) idle_.push_back(std::move(c));
}

SendOutcome SmtpTransport::send(const std::string& mail_from, const std::string& rcpt,
                                const std::string& message) {
  PendingSend pending = prepare(mail_from, rcpt, message);
  return pending.finish();
}

PendingSend SmtpTransport::prepare(const std::string& mail_from, const std::string& rcpt,
                                   const std::string& message) {
  // A pooled connection the server has since closed fails on its first command: that
  // attempt is repeated once on a fresh connection (nothing was sent yet).
  for (int attempt = 0;; ++attempt) {
    bool reused = false;
    std::string error;
    auto c = acquire(error, reused);
    if (!c) return PendingSend(this, nullptr, {SendOutcome::Kind::kTransient, 0, error});
    bool started = false;
    PendingSend out = transact(std::move(c), mail_from, rcpt, message, started);
    if (!out.ready() && out.outcome().kind == SendOutcome::Kind::kTransient && reused && !started &&
        attempt == 0) {
      continue;
    }
    return out;
  }
}

PendingSend SmtpTransport::transact(std::unique_ptr<Connection> c, const std::string& mail_from,
                                    const std::string& rcpt, const std::string& message,
                                    bool& started) {
  // `c` goes back to the pool after a refused command it survived, and is dropped otherwise.
  auto& s = *c->session;
  try {
    std::string reply;
    auto failed = [&](int status) -> PendingSend {
      // 421: the server is closing the connection. Otherwise RSET keeps it usable.
      std::string rset;
      if (status != 421 && positive(s.sendCommand("RSET", rset))) release(std::move(c));
      return PendingSend(this, nullptr, refused(status, reply));
    };
    int status = s.sendCommand("MAIL FROM:<" + mail_from + ">", reply);
    if (!positive(status)) return failed(status);
    started = true;
    status = s.sendCommand("RCPT TO:<" + rcpt + ">", reply);
    if (!positive(status)) return failed(status);
    status = s.sendCommand("DATA", reply);
    if (status != 354) return failed(status);
    // Dot-stuffing: a line that begins with "." gets another.
    std::string data;
    data.reserve(message.size() + 64);
    bool line_start = true;
    for (char ch : message) {
      if (line_start && ch == '.') data += '.';
      data += ch;
      line_start = ch == '\n';
    }
    if (!line_start) data += "\r\n";
    send_all(s.dialog(), data);
    return PendingSend(this, std::move(c), {SendOutcome::Kind::kSent, 354, reply});
  } catch (const Poco::Exception& e) {
    // The connection is in an unknown state: dropped, and the send is retried later.
    return PendingSend(this, nullptr, {SendOutcome::Kind::kTransient, 0, e.displayText()});
  }
}

}  // namespace sb::channels
