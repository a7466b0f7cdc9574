// File attachments: multipart upload to disk, download with type and name, limits.
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StringPartSource.h>
#include <Poco/StreamCopier.h>

#include <filesystem>
#include <sstream>

#include "api_fixture.h"

namespace sb::test {
namespace {

class FilesTest : public ApiTest {
 protected:
  void adjust(Config& c) override { c.http.max_upload_bytes = 100000; }

  HttpResult upload(const std::string& path, const std::string& content,
                    const std::string& filename, const std::string& type = "text/plain",
                    const std::string& part = "file") {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(server_->port()));
    Poco::Net::HTTPRequest req("POST", path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Authorization", "Bearer " + kOwnerKey);
    Poco::Net::HTMLForm form(Poco::Net::HTMLForm::ENCODING_MULTIPART);
    form.addPart(part, new Poco::Net::StringPartSource(content, type, filename));
    form.prepareSubmit(req);
    req.setChunkedTransferEncoding(false);  // prepareSubmit picks chunked; send a length
    std::ostringstream body;
    form.write(body);
    req.setContentLength(static_cast<std::streamsize>(body.str().size()));
    HttpResult r;
    try {
      session.sendRequest(req) << body.str();
      Poco::Net::HTTPResponse resp;
      std::istream& in = session.receiveResponse(resp);
      r.status = resp.getStatus();
      std::ostringstream text;
      Poco::StreamCopier::copyStream(in, text);
      r.body = text.str();
    } catch (const Poco::Exception& e) {
      r.status = -1;  // the server closed after refusing the body
      r.body = e.displayText();
    }
    return r;
  }
  long long contact() {
    return client().post("/v1/contacts", "{}").json()->getValue<long long>("id");
  }
};

TEST_P(FilesTest, UploadListDownloadDelete) {
  long long id = contact();
  std::string base = "/v1/contacts/" + std::to_string(id) + "/files";
  std::string content = "hello\nworld\x01\xff";
  auto up = upload(base, content, "../../etc/Quote\"d Notes.txt");
  ASSERT_EQ(up.status, 201) << up.body;
  auto f = up.json();
  EXPECT_EQ(f->getValue<std::string>("name"), "Quoted Notes.txt") << "path and quotes stripped";
  EXPECT_EQ(f->getValue<long long>("size"), static_cast<long long>(content.size()));
  std::string sha = f->getValue<std::string>("sha256");
  EXPECT_TRUE(std::filesystem::exists(data_dir_.path() + "/files/" + sha.substr(0, 2) + "/" + sha));
  auto down = client().get(base + "/" + std::to_string(f->getValue<long long>("id")));
  ASSERT_EQ(down.status, 200);
  EXPECT_EQ(down.body, content);
  EXPECT_EQ(down.headers["content-type"], "text/plain");
  EXPECT_NE(down.headers["content-disposition"].find("attachment; filename=\"Quoted Notes.txt\""),
            std::string::npos);
  EXPECT_EQ(down.headers["x-content-type-options"], "nosniff");
  auto weird = upload(base, "x", "a.html", "text/html; <script>");
  EXPECT_EQ(weird.json()->getValue<std::string>("content_type"), "application/octet-stream");
  EXPECT_EQ(client().get(base).json()->getArray("data")->size(), 2u);
  auto tl =
      client().get("/v1/contacts/" + std::to_string(id) + "/timeline").json()->getArray("data");
  EXPECT_EQ(tl->getObject(0)->getValue<std::string>("kind"), "file_added");
  EXPECT_EQ(client().del(base + "/" + std::to_string(f->getValue<long long>("id"))).status, 204);
  EXPECT_EQ(client().get(base + "/" + std::to_string(f->getValue<long long>("id"))).status, 404);
}

TEST_P(FilesTest, BadUploadsAreRefusedAndStoreNothing) {
  long long id = contact();
  std::string base = "/v1/contacts/" + std::to_string(id) + "/files";
  auto big = upload(base, std::string(200000, 'x'), "big.bin");
  EXPECT_TRUE(big.status == 413 || big.status == -1) << big.status;
  EXPECT_EQ(upload(base, "x", "a.txt", "text/plain", "attachment").status, 422);
  EXPECT_EQ(client().post(base, "{}").status, 415);
  auto missing = upload("/v1/contacts/999999/files", "x", "a.txt");
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(client().get(base).json()->getArray("data")->size(), 0u);
  std::size_t stored = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(data_dir_.path()))
    stored += e.is_regular_file();
  EXPECT_EQ(stored, 0u) << "no partial or temporary file is left";
}

SB_INSTANTIATE_BACKENDS(FilesTest);

}  // namespace
}  // namespace sb::test
