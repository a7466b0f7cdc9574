// The email transport against a real SMTP server on loopback (aiosmtpd, tests/support):
// the received MIME parsed by Python's email package (headers, both parts, unsubscribe
// headers, UTF-8), dot-stuffing, connection reuse, AUTH, STARTTLS and implicit TLS with
// certificate verification, and 4xx / 5xx / dropped connections classified as transient or
// permanent.
#include <gtest/gtest.h>

#include "channels/mime_message.h"
#include "channels/smtp_transport.h"
#include "model/error.h"
#include "support/smtp_sink.h"

namespace sb::test {
namespace {

using channels::EmailContent;
using channels::SendOutcome;
using channels::SmtpTransport;

EmailContent sample() {
  EmailContent e;
  e.from_name = "Café Olé";
  e.from_address = "news@shop.example";
  e.to_name = "Ana \"AJ\" Jones";
  e.to_address = "ana@example.org";
  e.subject = "Grüße aus München — your order is ready for pick-up today";
  e.text = "Hello Ana,\n.\n.leading dot\nprice: 5 € = cheap   \n" + std::string(200, 'x') + "\n";
  e.html = "<p>Hello <b>Ana</b> &amp; friends</p>";
  e.unsubscribe_url = "https://crm.example/u/abc?sig=1";
  return e;
}

channels::SmtpSettings local(const SmtpSink& sink, const std::string& userinfo = "") {
  return channels::parse_smtp_url("smtp://" + userinfo +
                                  "127.0.0.1:" + std::to_string(sink.port()) + "?timeout_ms=3000");
}

TEST(SmtpTest, SendsMultipartAlternativeThatAnIndependentParserReadsBack) {
  SmtpSink sink;
  SmtpTransport smtp(local(sink));
  const std::string mime = channels::build_mime(sample(), 1795291200000, "m1");
  auto out = smtp.send("bounce@shop.example", "ana@example.org", mime);
  ASSERT_EQ(out.kind, SendOutcome::Kind::kSent) << out.reply;
  auto msgs = sink.messages();
  ASSERT_EQ(msgs.size(), 1u);
  auto m = msgs[0];
  EXPECT_EQ(m->getValue<std::string>("mail_from"), "bounce@shop.example");
  EXPECT_EQ(m->getArray("rcpt_tos")->getElement<std::string>(0), "ana@example.org");
  EXPECT_EQ(m->getValue<std::string>("content_type"), "multipart/alternative");
  EXPECT_EQ(m->getArray("defects")->size(), 0u) << sink.raw(1);
  auto h = m->getObject("headers");
  EXPECT_EQ(h->getValue<std::string>("Subject"), sample().subject);
  EXPECT_EQ(h->getValue<std::string>("From"), "Café Olé <news@shop.example>");
  EXPECT_EQ(h->getValue<std::string>("To"), "\"Ana \\\"AJ\\\" Jones\" <ana@example.org>");
  EXPECT_EQ(h->getValue<std::string>("Message-ID"), "<m1@shop.example>");
  EXPECT_EQ(h->getValue<std::string>("List-Unsubscribe"), "<https://crm.example/u/abc?sig=1>");
  EXPECT_EQ(h->getValue<std::string>("List-Unsubscribe-Post"), "List-Unsubscribe=One-Click");
  EXPECT_NE(h->getValue<std::string>("Date").find("2026"), std::string::npos);
  auto parts = m->getArray("parts");
  ASSERT_EQ(parts->size(), 2u);
  EXPECT_EQ(parts->getObject(0)->getValue<std::string>("type"), "text/plain");
  EXPECT_EQ(parts->getObject(1)->getValue<std::string>("type"), "text/html");
  // The text survives quoted-printable, long lines, trailing blanks and lone dots intact.
  std::string expected = sample().text;
  std::string got = parts->getObject(0)->getValue<std::string>("text");
  size_t pos = 0;
  while ((pos = got.find("\r\n", pos)) != std::string::npos) got.erase(pos, 1);
  EXPECT_EQ(got, expected);
  EXPECT_EQ(parts->getObject(1)->getValue<std::string>("text"), sample().html);
  // Every line within the 78 characters RFC 5322 asks for.
  std::string raw = sink.raw(1);
  for (size_t start = 0, end; (end = raw.find("\r\n", start)) != std::string::npos;
       start = end + 2) {
    EXPECT_LE(end - start, 78u) << raw.substr(start, end - start);
  }
}

TEST(SmtpTest, ReusesConnectionsAndClassifiesFailures) {
  SmtpSink sink;
  SmtpTransport smtp(local(sink));
  const std::string mime = channels::build_mime(sample(), 0, "m2");
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(smtp.send("b@shop.example", "ana@example.org", mime).kind, SendOutcome::Kind::kSent);
  }
  sink.set_fault("451");
  auto later = smtp.send("b@shop.example", "ana@example.org", mime);
  EXPECT_EQ(later.kind, SendOutcome::Kind::kTransient);
  EXPECT_EQ(later.code, 451);
  sink.set_fault("550");
  auto never = smtp.send("b@shop.example", "nobody@example.org", mime);
  EXPECT_EQ(never.kind, SendOutcome::Kind::kPermanent);
  EXPECT_EQ(never.code, 550);
  EXPECT_NE(never.reply.find("No such user"), std::string::npos) << never.reply;
  sink.set_fault("drop");
  EXPECT_EQ(smtp.send("b@shop.example", "ana@example.org", mime).kind,
            SendOutcome::Kind::kTransient);
  sink.set_fault("");
  // After the drop a fresh connection is made; after RSET the old ones still work.
  EXPECT_EQ(smtp.send("b@shop.example", "ana@example.org", mime).kind, SendOutcome::Kind::kSent);
  auto msgs = sink.messages();
  ASSERT_EQ(msgs.size(), 4u);
  // The first three went over one connection; the last over a new one.
  EXPECT_EQ(msgs[0]->getValue<int>("peer_port"), msgs[2]->getValue<int>("peer_port"));
  EXPECT_NE(msgs[2]->getValue<int>("peer_port"), msgs[3]->getValue<int>("peer_port"));
}

TEST(SmtpTest, UnreachableServerIsTransientAndCredentialsNeverGoInClear) {
  SmtpSink sink;
  {
    // The sink offers no STARTTLS: with credentials, the transport refuses to log in.
    SmtpTransport smtp(local(sink, "user:secret@"));
    auto out =
        smtp.send("b@shop.example", "ana@example.org", channels::build_mime(sample(), 0, "m3"));
    EXPECT_EQ(out.kind, SendOutcome::Kind::kTransient);
    EXPECT_NE(out.reply.find("STARTTLS"), std::string::npos) << out.reply;
  }
  SmtpTransport nowhere(channels::parse_smtp_url("smtp://127.0.0.1:1?timeout_ms=500"));
  auto out =
      nowhere.send("b@shop.example", "ana@example.org", channels::build_mime(sample(), 0, "m4"));
  EXPECT_EQ(out.kind, SendOutcome::Kind::kTransient);
  EXPECT_NE(out.reply.find("cannot connect"), std::string::npos);
  EXPECT_EQ(sink.messages().size(), 0u);
}

// TLS against the sink's self-signed certificate: trusted through ca_file it carries the
// message (and the credentials, which the sink accepts only inside TLS); the same server
// without the CA file fails verification and nothing is sent.
TEST(SmtpTest, StartTlsAndImplicitTlsVerifyTheServerCertificate) {
  const std::string mime = channels::build_mime(sample(), 0, "tls1");
  for (const std::string mode : {"starttls", "implicit"}) {
    SCOPED_TRACE(mode);
    SmtpSink sink(mode == "starttls" ? "user:secret" : "", false, mode);
    const std::string base = (mode == "starttls" ? "smtp://user:secret@" : "smtps://") +
                             std::string("127.0.0.1:") + std::to_string(sink.port()) +
                             "?timeout_ms=3000";
    SmtpTransport trusted(channels::parse_smtp_url(base + "&ca_file=" + sink.cert_file()));
    auto out = trusted.send("b@shop.example", "ana@example.org", mime);
    EXPECT_EQ(out.kind, SendOutcome::Kind::kSent) << out.reply;
    auto again = trusted.send("b@shop.example", "bo@example.org", mime);  // a reused session
    EXPECT_EQ(again.kind, SendOutcome::Kind::kSent) << again.reply;
    auto msgs = sink.messages();
    ASSERT_EQ(msgs.size(), 2u);
    EXPECT_TRUE(msgs[0]->getValue<bool>("tls"));
    EXPECT_EQ(msgs[0]->getValue<int>("peer_port"), msgs[1]->getValue<int>("peer_port"));

    SmtpTransport untrusted(channels::parse_smtp_url(base));  // the system's CAs only
    auto refused = untrusted.send("b@shop.example", "cy@example.org", mime);
    EXPECT_EQ(refused.kind, SendOutcome::Kind::kTransient);
    EXPECT_NE(refused.reply.find("ertificate"), std::string::npos) << refused.reply;
    EXPECT_EQ(sink.messages().size(), 2u);
  }
  EXPECT_THROW(channels::parse_smtp_url("smtps://127.0.0.1?ca_file=/nonexistent/ca.pem"), Error);
}

// Each mechanism alone (the sink offers only it, inside STARTTLS), and a wrong password
// refused with the server's answer, nothing sent.
TEST(SmtpTest, AuthPlainOrLoginWhicheverTheServerOffers) {
  const std::string mime = channels::build_mime(sample(), 0, "auth1");
  for (const std::string mechanism : {"PLAIN", "LOGIN"}) {
    SCOPED_TRACE(mechanism);
    SmtpSink sink("user:s3cret pass", false, "starttls", mechanism);
    const std::string base =
        "127.0.0.1:" + std::to_string(sink.port()) + "?timeout_ms=3000&ca_file=" + sink.cert_file();
    SmtpTransport good(channels::parse_smtp_url("smtp://user:s3cret%20pass@" + base));
    auto out = good.send("b@shop.example", "ana@example.org", mime);
    EXPECT_EQ(out.kind, SendOutcome::Kind::kSent) << out.reply;
    SmtpTransport bad(channels::parse_smtp_url("smtp://user:wrong@" + base));
    auto refused = bad.send("b@shop.example", "ana@example.org", mime);
    EXPECT_EQ(refused.kind, SendOutcome::Kind::kTransient);
    EXPECT_NE(refused.reply.find("authentication failed: 535"), std::string::npos) << refused.reply;
    EXPECT_EQ(sink.messages().size(), 1u);
  }
}

TEST(SmtpTest, BadUrlsAndHeaderInjectionAreRefused) {
  auto s = channels::parse_smtp_url("smtps://u%40x:p%3Aw@mail.example?connections=4");
  EXPECT_EQ(s.port, 465);
  EXPECT_EQ(s.user, "u@x");
  EXPECT_EQ(s.password, "p:w");
  EXPECT_EQ(s.connections, 4);
  EXPECT_EQ(channels::parse_smtp_url("smtp://mail.example:2525").port, 2525);
  for (const char* bad :
       {"http://mail.example", "smtp://", "smtp://h?connections=0", "smtp://h?colour=red"}) {
    EXPECT_THROW(channels::parse_smtp_url(bad), Error) << bad;
  }
  EmailContent e = sample();
  e.subject = "Hi\r\nBcc: everyone@example.org";
  EXPECT_THROW(channels::build_mime(e, 0, "x"), Error);
  e = sample();
  e.to_address = "a@b.org>\r\nBcc: x@y.org";
  EXPECT_THROW(channels::build_mime(e, 0, "x"), Error);
}

}  // namespace
}  // namespace sb::test
