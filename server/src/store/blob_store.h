// Content-addressed file storage on local disk: root/ab/abcdef... (SHA-256). Uploads are
// streamed to a temporary file while hashed and counted, flushed to disk, then renamed
// into place, so a crash never leaves a half-written file under a valid address.
#pragma once

#include <cstdint>
#include <istream>
#include <string>

namespace sb {

class BlobStore {
 public:
  explicit BlobStore(std::string root) : root_(std::move(root)) {}

  struct Staged {
    std::string temp_path;
    std::string sha256;
    std::int64_t size = 0;
  };

  // Reads `in` to its end. Throws Error(kPayloadTooLarge) past max_bytes (the temp file is
  // removed) and Error(kInternal) on disk errors.
  Staged stage(std::istream& in, std::int64_t max_bytes) const;
  // Moves a staged file to its address; an identical file already there is kept.
  void commit(const Staged& staged) const;
  void discard(const Staged& staged) const;
  // Deletes a stored file (erasure, when no row points at it any more); absent is fine.
  void remove(const std::string& sha256) const;
  std::string path_of(const std::string& sha256) const;
  // Reads a stored file whole (files are bounded by SB_MAX_UPLOAD_BYTES).
  std::string read(const std::string& sha256) const;

 private:
  std::string root_;
};

}  // namespace sb
