// TLS for outbound connections (SMTP, and the process-wide OpenSSL setup plugins share):
// server certificates verified against the system's CAs or a given CA file, and one that
// fails verification refused, never a console prompt.
#pragma once

#include <Poco/Net/Context.h>

#include <string>

namespace sb::channels {

// Initialises OpenSSL and Poco's SSL manager once (idempotent); the server calls it at
// start so plugins' TLS clients refuse bad certificates too.
void init_tls_client();

// A client context trusting the system's CAs (`ca_file` "") or only the PEM file's.
Poco::Net::Context::Ptr tls_client_context(const std::string& ca_file = "");

}  // namespace sb::channels
