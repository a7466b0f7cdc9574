// Entity-tag lists, Accept-Encoding and gzip.
#include "http/http_conditions.h"

#include <Poco/DeflatingStream.h>
#include <Poco/String.h>

#include <cstdlib>
#include <sstream>
#include <vector>

#include "model/error.h"
#include "model/hash.h"

namespace sb {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_list(std::string_view header) {
  std::vector<std::string_view> out;
  while (!header.empty()) {
    std::size_t comma = header.find(',');
    std::string_view item = trim(header.substr(0, comma));
    if (!item.empty()) out.push_back(item);
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return out;
}

std::string_view strip_weak(std::string_view tag) {
  if (tag.size() > 2 && tag[0] == 'W' && tag[1] == '/') tag.remove_prefix(2);
  return tag;
}

}  // namespace

std::string body_etag(std::string_view body) {
  return "\"" + sha256_hex(body).substr(0, 16) + "\"";
}

bool none_match_hits(std::string_view header, std::string_view etag) {
  for (std::string_view tag : split_list(header)) {
    if (tag == "*" || strip_weak(tag) == strip_weak(etag)) return true;
  }
  return false;
}

bool match_hits(std::string_view header, std::string_view etag) {
  if (etag.rfind("W/", 0) == 0) return false;
  for (std::string_view tag : split_list(header)) {
    if (tag == "*" || tag == etag) return true;
  }
  return false;
}

void require_if_match(std::string_view if_match, std::string_view current) {
  if (if_match.empty()) return;
  for (std::string_view tag : split_list(if_match)) {
    if (tag.rfind("W/", 0) == 0) {
      throw Error(ErrorCode::kBadRequest,
                  "If-Match takes a strong ETag (as the record's ETag header gives it), not a "
                  "weak one",
                  {{"header", std::string("If-Match")}});
    }
  }
  if (match_hits(if_match, current)) return;
  throw Error(ErrorCode::kPreconditionFailed,
              "the record changed since the ETag in If-Match; read it again and re-apply",
              {{"header", std::string("If-Match")}, {"current_etag", std::string(current)}});
}

bool accepts_gzip(std::string_view accept_encoding) {
  for (std::string_view item : split_list(accept_encoding)) {
    std::size_t semi = item.find(';');
    std::string_view coding = trim(item.substr(0, semi));
    const std::string name(coding);
    if (Poco::icompare(name, "gzip") != 0 && Poco::icompare(name, "x-gzip") != 0 && name != "*")
      continue;
    if (semi == std::string_view::npos) return true;
    std::string_view param = trim(item.substr(semi + 1));
    if (param.size() < 2 || (param[0] != 'q' && param[0] != 'Q') || param[1] != '=') return true;
    return std::strtod(std::string(param.substr(2)).c_str(), nullptr) > 0;
  }
  return false;
}

bool compressible(std::string_view content_type) {
  std::string_view base = trim(content_type.substr(0, content_type.find(';')));
  // An event stream is never buffered by a compressor: each event must leave at once.
  if (base == "text/event-stream") return false;
  return base == "application/json" || base.rfind("text/", 0) == 0 ||
         base == "application/x-ndjson" || base == "application/javascript" ||
         base == "image/svg+xml";
}

std::string gzip(std::string_view data) {
  std::ostringstream out;
  {
    Poco::DeflatingOutputStream z(out, Poco::DeflatingStreamBuf::STREAM_GZIP, 6);
    z.write(data.data(), static_cast<std::streamsize>(data.size()));
    z.close();
  }
  return std::move(out).str();
}

}  // namespace sb
