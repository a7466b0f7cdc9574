#include "http/console_assets.h"

#include "http/http_conditions.h"

namespace sb {
namespace {

// The console runs its own scripts and styles only: no inline code, no other origin.
constexpr const char* kPolicy =
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'";

std::string type_of(std::string_view path) {
  auto ends = [&](std::string_view ext) {
    return path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".json")) return "application/json";
  if (ends(".txt")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

const char* kNotBuilt =
    "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Switchboard</title>"
    "</head><body><main><h1>The console is not built into this server</h1><p>This binary was "
    "built with <code>-DSB_CONSOLE=OFF</code>. The API is served as usual under "
    "<code>/v1/</code>; build with <code>./dev build</code> to get the console.</p></main>"
    "</body></html>";

}  // namespace

ConsoleAssets::ConsoleAssets(std::span<const EmbeddedFile> files) {
  for (const EmbeddedFile& f : files) {
    Asset a;
    a.content_type = type_of(f.path);
    a.body = f.content;
    a.gzipped = gzip(f.content);
    a.etag = body_etag(f.content);
    a.immutable = f.path.rfind("assets/", 0) == 0;  // names carry a content hash
    files_.emplace(std::string(f.path), std::move(a));
  }
}

bool ConsoleAssets::owns(std::string_view path) {
  return path == "/" || path == "/app" || path.rfind("/app/", 0) == 0;
}

Response ConsoleAssets::answer(const Asset& a, bool gzip_ok) const {
  Response r;
  r.content_type = a.content_type;
  r.headers.emplace_back("ETag", a.etag);
  r.headers.emplace_back("Cache-Control",
                         a.immutable ? "public, max-age=31536000, immutable" : "no-cache");
  r.headers.emplace_back("Vary", "Accept-Encoding");
  if (gzip_ok && a.gzipped.size() < a.body.size()) {
    r.body = a.gzipped;
    r.headers.emplace_back("Content-Encoding", "gzip");
  } else {
    r.body = std::string(a.body);
  }
  return r;
}

Response ConsoleAssets::serve(std::string_view path, bool gzip_ok) const {
  if (path == "/" || path == "/app") {
    Response r;
    r.status = 302;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "/app/\n";
    r.headers.emplace_back("Location", "/app/");
    return r;
  }
  std::string_view rel = path.substr(5);  // after "/app/"
  Response r;
  if (!built()) {
    r.content_type = "text/html; charset=utf-8";
    r.body = kNotBuilt;
    r.headers.emplace_back("Cache-Control", "no-cache");
  } else if (auto it = files_.find(std::string(rel)); it != files_.end() && !rel.empty()) {
    r = answer(it->second, gzip_ok);
  } else if (rel.rfind("assets/", 0) == 0) {
    r.status = 404;
    r.content_type = "text/plain; charset=utf-8";
    r.body = "no such asset (the console was rebuilt: reload the page)\n";
    r.headers.emplace_back("Cache-Control", "no-cache");
  } else {
    r = answer(files_.at("index.html"), gzip_ok);  // the app's own router takes the path
  }
  r.headers.emplace_back("Content-Security-Policy", kPolicy);
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "same-origin");
  return r;
}

}  // namespace sb
