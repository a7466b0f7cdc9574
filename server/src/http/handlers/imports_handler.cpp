// /v1/imports: CSV uploads (raw or multipart, streamed to disk while parsed), dry runs,
// background jobs' progress, their error reports, and cancelling (admin and above).
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/Net/PartHandler.h>
#include <soci/soci.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "http/multipart.h"
#include "http/pagination.h"
#include "http/routes.h"
#include "imports/contact_import.h"
#include "imports/import_runner.h"
#include "model/contact_json.h"
#include "model/csv_cell.h"
#include "model/csv_reader.h"
#include "model/error.h"
#include "model/hash.h"
#include "model/json_syntax.h"

namespace sb {
namespace {

using imports::ContactImport;
using imports::ImportOptions;

// Writes the upload to a file while parsing it: the header, the delimiter and the row
// count are known when the last byte arrives, and memory stays at one record.
class CsvUpload {
 public:
  CsvUpload(std::string path, std::size_t limit, char delimiter)
      : path_(std::move(path)),
        limit_(limit),
        reader_(
            [this](CsvRecord& r) {
              if (records_++ == 0) {
                header_ = r.fields;
                header_error_ = r.error;
              }
            },
            CsvLimits{}, delimiter) {
    std::filesystem::create_directories(std::filesystem::path(path_).parent_path());
    out_.open(path_, std::ios::binary | std::ios::trunc);
    if (!out_) throw Error(ErrorCode::kInternal, "cannot write the upload", {}, path_);
  }
  ~CsvUpload() {
    if (!kept_) ::unlink(path_.c_str());
  }

  void read_all(std::istream& in) {
    char buf[64 * 1024];
    while (in) {
      in.read(buf, sizeof buf);
      std::streamsize n = in.gcount();
      if (n <= 0) break;
      bytes_ += static_cast<std::size_t>(n);
      if (bytes_ > limit_) {
        throw Error(ErrorCode::kPayloadTooLarge,
                    "the CSV exceeds " + std::to_string(limit_) + " bytes (SB_MAX_IMPORT_BYTES)",
                    {{"limit_bytes", static_cast<std::int64_t>(limit_)}});
      }
      out_.write(buf, n);
      reader_.feed(std::string_view(buf, static_cast<std::size_t>(n)));
    }
    received_ = true;
  }
  // After the body: the file flushed and its header checked.
  void close() {
    reader_.finish();
    out_.flush();
    if (!out_) throw Error(ErrorCode::kInternal, "cannot write the upload", {}, path_);
    out_.close();
    if (records_ == 0)
      throw Error::validation("file", "is empty: the first row must name the columns");
    if (!header_error_.empty()) throw Error::validation("file", "the header row: " + header_error_);
    std::set<std::string> seen;
    for (std::string& h : header_) {
      while (!h.empty() && h.back() == ' ') h.pop_back();
      while (!h.empty() && h.front() == ' ') h.erase(0, 1);
      if (h.empty()) continue;
      if (!seen.insert(h).second)
        throw Error::validation("file", "the header names column '" + h + "' twice");
    }
  }
  void keep() { kept_ = true; }

  bool received() const { return received_; }
  const std::string& path() const { return path_; }
  const std::vector<std::string>& header() const { return header_; }
  std::int64_t rows() const { return records_ > 0 ? static_cast<std::int64_t>(records_ - 1) : 0; }
  std::size_t bytes() const { return bytes_; }
  char delimiter() const { return reader_.delimiter(); }

 private:
  std::string path_;
  std::size_t limit_;
  std::ofstream out_;
  CsvReader reader_;
  std::uint64_t records_ = 0;
  std::vector<std::string> header_;
  std::string header_error_;
  std::size_t bytes_ = 0;
  bool received_ = false;
  bool kept_ = false;
};

// The multipart "file" part, streamed into the upload.
class FilePart : public Poco::Net::PartHandler {
 public:
  explicit FilePart(CsvUpload& upload) : upload_(upload) {}
  void handlePart(const Poco::Net::MessageHeader& header, std::istream& stream) override {
    const std::string field = multipart_part_name(header).field;
    if (field != "file") {
      throw Error::validation(
          field.empty() ? "(part)" : field,
          "unknown part; send the CSV as 'file' and options as query parameters");
    }
    if (upload_.received()) throw Error::validation("file", "one file per import");
    upload_.read_all(stream);
  }

 private:
  CsvUpload& upload_;
};

ImportOptions read_options(const Request& req) {
  ImportOptions o;
  if (auto m = req.query_param("mapping")) {
    if (auto err = check_json_syntax(*m, 4)) {
      throw Error::validation("mapping", "is not valid JSON at column " +
                                             std::to_string(err->column) + ": " + err->message);
    }
    Poco::Dynamic::Var v = Poco::JSON::Parser().parse(*m);
    if (v.type() != typeid(Poco::JSON::Object::Ptr))
      throw Error::validation("mapping", "must be a JSON object: {\"CSV header\": \"target\"}");
    o.mapping = v.extract<Poco::JSON::Object::Ptr>();
    if (o.mapping->size() > CsvLimits{}.max_fields)
      throw Error::validation("mapping", "names more columns than a file may have");
  }
  o.dedupe =
      req.choice_param("dedupe", {"email", "phone", "external_id", "none"}).value_or("email");
  o.on_duplicate = req.choice_param("on_duplicate", {"skip", "update", "create"}).value_or("skip");
  if (auto d = req.choice_param("delimiter", {",", ";", "tab", "|"}))
    o.delimiter = *d == "tab" ? '\t' : (*d)[0];
  return o;
}

Poco::JSON::Object counts_json(const ImportCounts& c) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("created", c.created);
  o.set("updated", c.updated);
  o.set("unchanged", c.unchanged);
  o.set("skipped", c.skipped);
  o.set("failed", c.failed);
  return o;
}

Poco::JSON::Object error_json(const ImportRowError& e) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("row", e.row);
  o.set("line", e.line);
  o.set("column", or_null(e.column));
  o.set("outcome", e.outcome);
  o.set("reason", e.reason);
  return o;
}

Poco::JSON::Object job_json(const ImportJob& j) {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("id", j.id);
  o.set("status", j.status);
  o.set("options", Poco::JSON::Parser().parse(j.options_json));
  o.set("bytes", j.bytes);
  o.set("delimiter", j.delimiter == '\t' ? std::string("tab") : std::string(1, j.delimiter));
  Poco::JSON::Object rows(Poco::JSON_PRESERVE_KEY_ORDER);
  rows.set("total", j.rows_total);
  rows.set("done", j.counts.rows_done);
  o.set("rows", rows);
  o.set("progress", j.rows_total > 0 ? static_cast<double>(j.counts.rows_done) /
                                           static_cast<double>(j.rows_total)
                                     : (j.status == "completed" ? 1.0 : 0.0));
  o.set("counts", counts_json(j.counts));
  o.set("error", or_null(j.error));
  o.set("errors_url", "/v1/imports/" + std::to_string(j.id) + "/errors");
  o.set("created_by_key_id", or_null(j.created_by_key_id));
  o.set("created_at", format_iso8601(j.created_at));
  o.set("updated_at", format_iso8601(j.updated_at));
  o.set("finished_at", time_or_null(j.finished_at));
  return o;
}

Response create_import(ApiServices& sv, Request& req) {
  req.allow_params({"mapping", "dedupe", "on_duplicate", "dry_run", "delimiter"});
  ImportOptions options = read_options(req);
  bool dry_run = req.choice_param("dry_run", {"true", "false"}).value_or("false") == "true";
  const std::int64_t team = req.auth().team_id;
  std::string type = req.http->getContentType();
  std::string base = type.substr(0, type.find(';'));
  for (char& c : base) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool multipart = base == "multipart/form-data";
  if (!multipart && base != "text/csv" && base != "application/csv" && base != "text/plain" &&
      base != "application/octet-stream") {
    throw Error(ErrorCode::kUnsupportedMediaType,
                "send the CSV as text/csv (the body) or multipart/form-data (a part named 'file'), "
                "got '" +
                    type + "'",
                {{"content_type", type}});
  }
  const std::size_t limit = sv.max_import_bytes;
  const bool chunked = req.http->getChunkedTransferEncoding();
  if (!chunked && req.http->hasContentLength() &&
      req.http->getContentLength64() > static_cast<Poco::Int64>(limit) + (multipart ? 65536 : 0)) {
    throw Error(ErrorCode::kPayloadTooLarge,
                "the CSV exceeds " + std::to_string(limit) + " bytes (SB_MAX_IMPORT_BYTES)",
                {{"limit_bytes", static_cast<std::int64_t>(limit)}});
  }
  std::string name = "imports/t" + std::to_string(team) + "-" + random_hex(12) + ".csv";
  CsvUpload upload(sv.data_dir + "/" + name, limit, options.delimiter);
  req.body_stream_read = true;
  if (multipart) {
    FilePart part(upload);
    Poco::Net::HTMLForm form;
    form.setFieldLimit(4);
    form.setValueLengthLimit(1024);
    try {
      form.load(*req.http, req.http->stream(), part);
    } catch (const Poco::Exception& e) {
      throw Error(ErrorCode::kBadRequest, "malformed multipart body: " + e.message());
    }
    if (!upload.received())
      throw Error::validation("file", "is required (a multipart part named 'file')");
  } else {
    upload.read_all(req.http->stream());
  }
  upload.close();

  ImportJob job;
  job.team_id = team;
  job.options_json = options.json();
  job.file = name;
  job.bytes = static_cast<std::int64_t>(upload.bytes());
  job.delimiter = upload.delimiter();
  job.rows_total = upload.rows();
  job.created_by_key_id = req.auth().actor().key_id;  // the audit log names a person
  ContactImport import(sv.db, job, options);
  import.prepare(upload.header());  // 422 for a mapping the file or the team cannot take

  if (dry_run) {
    std::ifstream file(upload.path(), std::ios::binary);
    imports::DryRunReport report = import.dry_run(file);
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    body.set("dry_run", true);
    body.set("rows", job.rows_total);
    body.set("delimiter",
             job.delimiter == '\t' ? std::string("tab") : std::string(1, job.delimiter));
    body.set("counts", counts_json(report.counts));
    Poco::JSON::Array preview, errors;
    for (const auto& p : report.preview) preview.add(p);
    for (const auto& e : report.errors) errors.add(error_json(e));
    body.set("preview", preview);
    body.set("errors", errors);
    return Response::json(200, body);
  }
  ImportJob stored = sv.db.write([&](soci::session& s) { return sv.imports.create(s, job); });
  upload.keep();
  if (sv.import_runner) sv.import_runner->poke();
  Response r = Response::json(202, job_json(stored));
  r.headers.emplace_back("Location", "/v1/imports/" + std::to_string(stored.id));
  return r;
}

ImportJob load(ApiServices& sv, const Request& req) {
  std::int64_t id = req.path_id("id");
  auto job =
      sv.db.read([&](soci::session& s) { return sv.imports.get(s, req.auth().team_id, id); });
  if (!job) throw Error::not_found("import", id);
  return *job;
}

Response list_imports(ApiServices& sv, Request& req) {
  req.allow_params({"limit", "cursor"});
  PageRequest page = read_page_request(req);
  auto rows = sv.db.read([&](soci::session& s) {
    return sv.imports.list(s, req.auth().team_id, page.after_id, page.limit + 1);
  });
  return id_page(std::move(rows), page.limit, job_json);
}

Response cancel_import(ApiServices& sv, Request& req) {
  ImportJob job = load(sv, req);
  bool cancelled = sv.db.write([&](soci::session& s) {
    return sv.imports.finish(s, job.team_id, job.id, "cancelled", std::nullopt);
  });
  if (!cancelled) {
    throw Error(ErrorCode::kConflict, "the import already ended (" + job.status + ")",
                {{"status", job.status}});
  }
  // A queued import's upload goes now; a running one's runner deletes it when it stops.
  if (job.status == "queued") ::unlink((sv.data_dir + "/" + job.file).c_str());
  return Response::json(200, job_json(load(sv, req)));
}

// The error report: every failed or skipped row with its line, column and reason.
Response import_errors(ApiServices& sv, Request& req) {
  req.allow_params({"format"});
  std::string format = req.choice_param("format", {"csv", "json"}).value_or("json");
  ImportJob job = load(sv, req);
  Response r;
  r.content_type = format == "csv" ? "text/csv; charset=utf-8" : "application/json";
  if (format == "csv") {
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"import-" +
                                                      std::to_string(job.id) + "-errors.csv\"");
  }
  r.stream = [&sv, job, format](std::ostream& out) {
    std::string buf = format == "csv" ? "row,line,column,outcome,reason\r\n" : "{\"data\":[";
    std::int64_t after = 0;
    bool first = true;
    for (;;) {
      auto page = sv.db.read(
          [&](soci::session& s) { return sv.imports.errors(s, job.team_id, job.id, after, 1000); });
      for (const ImportRowError& e : page) {
        if (format == "csv") {
          buf += std::to_string(e.row) + "," + std::to_string(e.line) + ",";
          append_csv_cell(buf, e.column.value_or(""));
          buf += "," + e.outcome + ",";
          append_csv_cell(buf, e.reason);
          buf += "\r\n";
        } else {
          if (!first) buf += ',';
          buf += json_text(error_json(e));
        }
        first = false;
        after = e.row;
      }
      out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
      buf.clear();
      if (page.size() < 1000) break;
    }
    if (format == "json") {
      buf = "]}\n";
      out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
    }
  };
  return r;
}

}  // namespace

void add_import_routes(Router& router, ApiServices& sv) {
  router.add(Route::post("/v1/imports", Role::kAdmin, [&sv](Request& r) {
               return create_import(sv, r);
             }).raw_body());
  router.add(
      Route::get("/v1/imports", Role::kAdmin, [&sv](Request& r) { return list_imports(sv, r); }));
  router.add(Route::get("/v1/imports/{id}", Role::kAdmin,
                        [&sv](Request& r) { return Response::json(200, job_json(load(sv, r))); }));
  router.add(Route::get("/v1/imports/{id}/errors", Role::kAdmin,
                        [&sv](Request& r) { return import_errors(sv, r); }));
  router.add(Route::post("/v1/imports/{id}/cancel", Role::kAdmin,
                         [&sv](Request& r) { return cancel_import(sv, r); }));
}

}  // namespace sb
