// Guarded HTTP(S) POST.
#include "channels/webhook_transport.h"

#include <Poco/Net/DNS.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/HostEntry.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/URI.h>

#include <memory>

#include "channels/tls_client.h"

namespace sb::channels {

WebhookResponse WebhookTransport::post(
    const std::string& url, const std::string& body,
    const std::vector<std::pair<std::string, std::string>>& headers) const {
  WebhookResponse out;
  Poco::URI uri;
  try {
    uri = Poco::URI(url);
  } catch (const Poco::Exception& e) {
    out.error = "not a URL: " + e.displayText();
    out.refused = true;
    return out;
  }
  const bool tls = uri.getScheme() == "https";
  if ((!tls && uri.getScheme() != "http") || uri.getHost().empty()) {
    out.error = "only http:// and https:// URLs with a host are sent to";
    out.refused = true;
    return out;
  }
  // Resolve once; the connection goes to an address judged here.
  std::vector<Poco::Net::IPAddress> addresses;
  try {
    addresses = resolve_host(uri.getHost());
  } catch (const Poco::Exception& e) {
    out.error = "cannot resolve " + uri.getHost() + ": " + e.displayText();
    return out;
  }
  const Poco::Net::IPAddress* chosen = nullptr;
  std::string refusal;
  for (const auto& a : addresses) {
    std::string why = guard_.refusal(a);
    if (why.empty()) {
      chosen = &a;
      break;
    }
    if (refusal.empty()) refusal = a.toString() + " is " + why;
  }
  if (!chosen) {
    out.error = "refused: " + (refusal.empty() ? "no address" : refusal) +
                " (SB_WEBHOOK_ALLOW_PRIVATE lists ranges that may be reached)";
    out.refused = true;
    return out;
  }
  const Poco::Net::SocketAddress target(*chosen, uri.getPort());
  const Poco::Timespan timeout(
      std::chrono::duration_cast<std::chrono::microseconds>(timeout_).count());
  // The checked address is part of the key: a later lookup answering differently gets its
  // own connection, judged again.
  const std::string key = (tls ? "https://" : "http://") + target.toString() + "/" + uri.getHost();
  for (int round = 0; round < 2; ++round) {
    KeepAlivePool::Session session = round == 0 ? pool_->take(key) : nullptr;
    const bool reused = session != nullptr;
    bool answered = false;
    try {
      if (!session) {
        if (tls) {
          Poco::Net::SecureStreamSocket socket(tls_client_context());
          socket.setPeerHostName(uri.getHost());  // SNI and the certificate's name
          socket.connect(target, timeout);
          session = std::make_unique<Poco::Net::HTTPSClientSession>(socket);
        } else {
          session = std::make_unique<Poco::Net::HTTPClientSession>(target);
        }
        session->setKeepAlive(true);
      }
      session->setTimeout(timeout);
      Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_POST, uri.getPathEtc(),
                                 Poco::Net::HTTPMessage::HTTP_1_1);
      req.setHost(uri.getHost(), uri.getPort());
      req.setContentType("application/json");
      req.setContentLength(static_cast<std::streamsize>(body.size()));
      req.setKeepAlive(true);
      req.set("User-Agent", "Switchboard-Webhooks/1");
      for (const auto& [k, v] : headers) req.set(k, v);
      session->sendRequest(req) << body;
      Poco::Net::HTTPResponse resp;
      std::istream& in = session->receiveResponse(resp);
      answered = true;
      out.status = resp.getStatus();
      out.body.clear();
      char buf[1024];
      while (in && out.body.size() < cap_) {
        in.read(buf, static_cast<std::streamsize>(std::min(sizeof buf, cap_ - out.body.size())));
        out.body.append(buf, static_cast<std::size_t>(in.gcount()));
        if (in.gcount() == 0) break;
      }
      // Reused only when the answer was read to its end and the receiver keeps the
      // connection: an unread rest would be taken for the next answer.
      if (in.eof() && resp.getKeepAlive()) pool_->give_back(key, std::move(session));
      return out;
    } catch (const Poco::TimeoutException&) {
      out.error = "timed out after " + std::to_string(timeout_.count()) + " ms";
      return out;
    } catch (const Poco::Exception& e) {
      // A kept connection the receiver closed while idle fails before any answer: once
      // more on a new connection. (The same webhook-id either way: at least once.)
      if (reused && !answered) continue;
      out.error = e.displayText();
      return out;
    }
  }
  return out;
}

}  // namespace sb::channels
