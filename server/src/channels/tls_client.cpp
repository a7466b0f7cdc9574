#include "channels/tls_client.h"

#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>

#include <mutex>

namespace sb::channels {
namespace {

Poco::Net::Context::Ptr system_context() {
  static Poco::Net::Context::Ptr ctx = [] {
    Poco::Net::initializeSSL();
    return Poco::Net::Context::Ptr(new Poco::Net::Context(
        Poco::Net::Context::TLS_CLIENT_USE, "", Poco::Net::Context::VERIFY_RELAXED, 9, true));
  }();
  return ctx;
}

}  // namespace

void init_tls_client() {
  static std::once_flag once;
  std::call_once(once, [] {
    Poco::Net::initializeSSL();
    // Without a handler, Poco asks its application configuration, and by default the
    // console, whether to accept a certificate that failed verification.
    Poco::SharedPtr<Poco::Net::InvalidCertificateHandler> reject(
        new Poco::Net::RejectCertificateHandler(false));
    Poco::Net::SSLManager::instance().initializeClient(nullptr, reject, system_context());
  });
}

Poco::Net::Context::Ptr tls_client_context(const std::string& ca_file) {
  init_tls_client();
  if (ca_file.empty()) return system_context();
  return Poco::Net::Context::Ptr(new Poco::Net::Context(
      Poco::Net::Context::TLS_CLIENT_USE, ca_file, Poco::Net::Context::VERIFY_RELAXED, 9, false));
}

}  // namespace sb::channels
