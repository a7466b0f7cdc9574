// Local content-addressed blobs.
#include "store/blob_store.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/error.h"

namespace sb {
namespace fs = std::filesystem;

namespace {
Error disk_error(const std::string& what, const std::string& path) {
  return Error(ErrorCode::kInternal, "file storage error", {}, what + ": " + path);
}
}  // namespace

std::string BlobStore::path_of(const std::string& sha256) const {
  return root_ + "/" + sha256.substr(0, 2) + "/" + sha256;
}

BlobStore::Staged BlobStore::stage(std::istream& in, std::int64_t max_bytes) const {
  static std::atomic<unsigned> counter{0};
  std::error_code ec;
  fs::create_directories(root_ + "/tmp", ec);
  Staged out;
  out.temp_path =
      root_ + "/tmp/upload-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  int fd = ::open(out.temp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) throw disk_error("cannot create", out.temp_path);
  Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
  char buf[65536];
  try {
    while (in) {
      in.read(buf, sizeof buf);
      std::streamsize n = in.gcount();
      if (n <= 0) break;
      out.size += n;
      if (out.size > max_bytes) {
        throw Error(ErrorCode::kPayloadTooLarge,
                    "upload exceeds " + std::to_string(max_bytes) + " bytes",
                    {{"limit_bytes", static_cast<std::int64_t>(max_bytes)}});
      }
      sha.update(buf, static_cast<unsigned>(n));
      for (ssize_t done = 0; done < n;) {
        ssize_t w = ::write(fd, buf + done, static_cast<std::size_t>(n - done));
        if (w < 0) throw disk_error("cannot write", out.temp_path);
        done += w;
      }
    }
    if (::fsync(fd) != 0) throw disk_error("cannot sync", out.temp_path);
  } catch (...) {
    ::close(fd);
    ::unlink(out.temp_path.c_str());
    throw;
  }
  ::close(fd);
  out.sha256 = Poco::DigestEngine::digestToHex(sha.digest());
  return out;
}

void BlobStore::commit(const Staged& staged) const {
  std::string target = path_of(staged.sha256);
  std::error_code ec;
  fs::create_directories(fs::path(target).parent_path(), ec);
  if (fs::exists(target, ec)) {
    discard(staged);  // same bytes are already stored
    return;
  }
  if (std::rename(staged.temp_path.c_str(), target.c_str()) != 0) {
    discard(staged);
    throw disk_error("cannot store", target);
  }
}

void BlobStore::discard(const Staged& staged) const {
  ::unlink(staged.temp_path.c_str());
}

void BlobStore::remove(const std::string& sha256) const {
  ::unlink(path_of(sha256).c_str());
}

std::string BlobStore::read(const std::string& sha256) const {
  std::ifstream in(path_of(sha256), std::ios::binary);
  if (!in) throw disk_error("missing stored file", path_of(sha256));
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

}  // namespace sb
