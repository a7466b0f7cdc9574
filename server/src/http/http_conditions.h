// HTTP validators and content coding at the edge: ETags derived from a body, If-Match /
// If-None-Match comparison (RFC 9110 section 13), and gzip when the client accepts it.
#pragma once

#include <string>
#include <string_view>

namespace sb {

// A strong ETag naming this exact body: "\"<16 hex digits of its SHA-256>\"".
std::string body_etag(std::string_view body);

// If-None-Match: whether `header` ("*", or a list of entity tags) names `etag`, compared
// weakly (a W/ prefix on either side is ignored).
bool none_match_hits(std::string_view header, std::string_view etag);

// If-Match: whether `header` ("*", or a list of strong entity tags) names `etag`. A weak
// tag never matches (RFC 9110 13.1.1 requires strong comparison).
bool match_hits(std::string_view header, std::string_view etag);

// A conditional write of a record whose representation has ETag `current`: nothing when
// `if_match` is empty, 400 when it holds a weak tag, 412 (details.current_etag) when it
// names another version. Call inside the write's transaction, after locking the row.
void require_if_match(std::string_view if_match, std::string_view current);

// Whether an Accept-Encoding header admits gzip (gzip, x-gzip or *, with q > 0).
bool accepts_gzip(std::string_view accept_encoding);

// Whether a body of this Content-Type is worth compressing (JSON, text, CSV, JS, SVG).
bool compressible(std::string_view content_type);

// The gzip member (RFC 1952) of `data`.
std::string gzip(std::string_view data);

}  // namespace sb
