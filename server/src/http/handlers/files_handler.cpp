// /v1/contacts/{id}/files: multipart upload, list, download, delete.
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/PartHandler.h>
#include <Poco/URI.h>
#include <soci/soci.h>

#include "http/multipart.h"
#include "http/routes.h"
#include "model/contact_json.h"
#include "model/error.h"

namespace sb {
namespace {

// The last path component, without control characters or quotes, at most 255 bytes.
std::string safe_file_name(const std::string& raw) {
  std::string name =
      raw.substr(raw.find_last_of("/\\") == std::string::npos ? 0 : raw.find_last_of("/\\") + 1);
  std::string out;
  for (char c : name) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != '"' && c != 0x7f) out.push_back(c);
  }
  if (out.size() > 255) out.resize(255);
  if (out.empty() || out == "." || out == "..") out = "file";
  return out;
}

// type/subtype made of token characters, and not a type a browser would run (HTML, SVG,
// XML, script); anything else is served as octet-stream.
std::string safe_content_type(const std::string& raw) {
  std::string base = raw.substr(0, raw.find(';'));
  while (!base.empty() && base.back() == ' ') base.pop_back();
  auto slash = base.find('/');
  bool ok =
      slash != std::string::npos && slash > 0 && slash + 1 < base.size() && base.size() <= 100;
  for (char c : base) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '-' || c == '+' ||
                c == '.');
  }
  std::string lower = base;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const char* active : {"text/html", "application/xhtml+xml", "image/svg+xml", "text/xml",
                             "application/xml", "text/javascript", "application/javascript"}) {
    ok = ok && lower != active;
  }
  return ok ? lower : "application/octet-stream";
}

// Streams the "file" part into the blob store; other parts are refused.
class UploadHandler : public Poco::Net::PartHandler {
 public:
  UploadHandler(const BlobStore& blobs, std::int64_t limit) : blobs_(blobs), limit_(limit) {}
  void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override {
    PartName part = multipart_part_name(header);
    const std::string& field = part.field;
    if (field != "file")
      throw Error::validation(field.empty() ? "(part)" : field,
                              "unknown part; send the file as 'file'");
    if (staged_) throw Error::validation("file", "one file per request");
    name_ = safe_file_name(part.filename.empty() ? "file" : part.filename);
    content_type_ = safe_content_type(header.get("Content-Type", "application/octet-stream"));
    staged_ = blobs_.stage(stream, limit_);
  }
  const std::optional<BlobStore::Staged>& staged() const { return staged_; }
  const std::string& name() const { return name_; }
  const std::string& content_type() const { return content_type_; }

 private:
  const BlobStore& blobs_;
  std::int64_t limit_;
  std::optional<BlobStore::Staged> staged_;
  std::string name_, content_type_;
};

Response upload(ApiServices& sv, Request& req) {
  std::int64_t cid = req.path_id("id");
  // Check the contact before reading megabytes for nothing.
  sv.db.read([&](soci::session& s) { sv.contacts.require(s, req.auth().team_id, cid); });
  UploadHandler handler(sv.blobs, static_cast<std::int64_t>(sv.max_upload_bytes));
  Poco::Net::HTMLForm form;
  form.setFieldLimit(10);
  form.setValueLengthLimit(1024);
  req.body_stream_read = true;
  try {
    form.load(*req.http, req.http->stream(), handler);
  } catch (const Error&) {
    if (handler.staged()) sv.blobs.discard(*handler.staged());
    throw;
  } catch (const Poco::Exception& e) {
    if (handler.staged()) sv.blobs.discard(*handler.staged());
    throw Error(ErrorCode::kBadRequest, "malformed multipart body: " + e.message());
  }
  if (!handler.staged())
    throw Error::validation("file", "is required (a multipart part named 'file')");
  const auto& staged = *handler.staged();
  sv.blobs.commit(staged);  // bytes durable before the row that points at them
  ContactFile f;
  f.team_id = req.auth().team_id;
  f.contact_id = cid;
  f.name = handler.name();
  f.content_type = handler.content_type();
  f.size = staged.size;
  f.sha256 = staged.sha256;
  f.uploaded_by.actor = req.auth().actor();
  ContactFile stored = sv.db.write([&](soci::session& s) {
    sv.contacts.require(s, req.auth().team_id, cid);
    return sv.files.add(s, f);
  });
  Response r = Response::json(201, file_to_json(stored));
  r.headers.emplace_back(
      "Location", "/v1/contacts/" + std::to_string(cid) + "/files/" + std::to_string(stored.id));
  return r;
}

Response list(ApiServices& sv, Request& req) {
  std::int64_t cid = req.path_id("id");
  auto files = sv.db.read([&](soci::session& s) {
    sv.contacts.require(s, req.auth().team_id, cid);
    return sv.files.list(s, req.auth().team_id, cid);
  });
  Poco::JSON::Array::Ptr data = new Poco::JSON::Array;
  for (const auto& f : files) data->add(file_to_json(f));
  Poco::JSON::Object body;
  body.set("data", data);
  return Response::json(200, body);
}

Response download(ApiServices& sv, Request& req) {
  std::int64_t cid = req.path_id("id"), fid = req.path_id("file_id");
  auto f =
      sv.db.read([&](soci::session& s) { return sv.files.get(s, req.auth().team_id, cid, fid); });
  if (!f) throw Error::not_found("file", fid);
  Response r;
  r.body = sv.blobs.read(f->sha256);
  r.content_type = f->content_type;
  std::string encoded, ascii;
  Poco::URI::encode(f->name, "", encoded);
  for (char c : f->name) ascii.push_back(static_cast<unsigned char>(c) < 0x80 ? c : '_');
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded);
  r.headers.emplace_back("ETag", "\"" + f->sha256 + "\"");
  return r;
}

Response remove(ApiServices& sv, Request& req) {
  std::int64_t cid = req.path_id("id"), fid = req.path_id("file_id");
  bool removed = sv.db.write(
      [&](soci::session& s) { return sv.files.remove(s, req.auth().team_id, cid, fid); });
  if (!removed) throw Error::not_found("file", fid);
  return Response::no_content();
}

}  // namespace

void add_file_routes(Router& router, ApiServices& sv) {
  auto h = [&sv](Response (*fn)(ApiServices&, Request&)) {
    return [&sv, fn](Request& r) { return fn(sv, r); };
  };
  router.add(Route::get("/v1/contacts/{id}/files", Role::kViewer, h(list)));
  router.add(Route::post("/v1/contacts/{id}/files", Role::kAgent, h(upload)).multipart_body());
  router.add(Route::get("/v1/contacts/{id}/files/{file_id}", Role::kViewer, h(download)));
  router.add(Route::del("/v1/contacts/{id}/files/{file_id}", Role::kAgent, h(remove)));
}

}  // namespace sb
