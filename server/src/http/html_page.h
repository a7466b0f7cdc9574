// The server's few plain HTML pages (unsubscribe, public forms): no script, no console
// bundle, a strict Content-Security-Policy. Forms may be framed (the embed snippet); the
// other pages never are.
#pragma once

#include <string>

#include "http/request.h"

namespace sb {

enum class Framing { kDeny, kAnyone };

// A complete page: `title` as the <title> and <h1> (escaped), then `body_html` as given.
Response html_page(int status, const std::string& title, const std::string& body_html,
                   Framing framing = Framing::kDeny);

}  // namespace sb
