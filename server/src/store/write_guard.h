// Before-commit checks on writes: the contact and record write paths ask the guard of the
// transaction they run in (installed on the Database by the workflows layer) whether a
// proposed write may proceed, and with which adjusted fields.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace soci {
class session;
}

namespace sb {

struct ProposedWrite {
  std::string op;  // "contact.create", "contact.update", "ticket.create", ...
  std::int64_t team_id = 0;
  const Poco::JSON::Object* before = nullptr;  // null on create
  const Poco::JSON::Object* after = nullptr;   // the record as it would be written
  std::vector<std::string> changed;            // fields that differ (all given ones on create)
};

class WriteGuard {
 public:
  virtual ~WriteGuard() = default;
  // Cheap test first, so writes nobody guards build no JSON.
  virtual bool wants(std::int64_t team_id, std::string_view op) const = 0;
  // Returns the fields to set as a JSON object text ("" for none); throws Error 422 with the
  // hook's reason to refuse the write.
  virtual std::string check(soci::session& s, const ProposedWrite& write) const = 0;

  // The guard of the write transaction running on this thread (null when none).
  static const WriteGuard* current();

  // Installs a guard for the current thread while alive (Database::write uses it).
  class Scope {
   public:
    explicit Scope(const WriteGuard* guard);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    const WriteGuard* previous_;
  };
};

}  // namespace sb
