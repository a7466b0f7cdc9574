// The right to be forgotten: erases one contact in the caller's transaction (profile,
// notes, files, submissions, appointments, identities; conversations anonymised or deleted
// per the team's policy; event payloads about them scrubbed) and leaves a keyed hash of
// their email and phone so import and campaigns never silently add them back.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/actor.h"

namespace soci {
class session;
}

namespace sb {

class Dialect;
class ContactStore;

enum class ConversationErasure { kAnonymise, kDelete };

struct ErasureReport {
  std::map<std::string, long long> removed;     // table -> rows deleted
  std::map<std::string, long long> anonymised;  // table -> rows scrubbed in place
  std::vector<std::string> file_digests;        // blobs the erased files pointed at
};

class ContactEraser {
 public:
  ContactEraser(const Dialect& dialect, const ContactStore& contacts)
      : dialect_(dialect), contacts_(contacts) {}

  // Throws Error(kNotFound) when the team has no such contact. Writes the audit entry
  // (counts only) with `actor` and the contact.deleted event ({"id", "erased": true}).
  ErasureReport erase(soci::session& s, std::int64_t team_id, std::int64_t contact_id,
                      ConversationErasure conversations, const Actor& actor,
                      const std::string& origin, const std::string& request_id) const;

  // How many contact_files rows of any team still point at a blob: content-addressed
  // blobs are shared, so an erased file's bytes go only when this is 0.
  long long blob_references(soci::session& s, const std::string& sha256) const;

 private:
  const Dialect& dialect_;
  const ContactStore& contacts_;
};

// Which of `values` (emails, lower-case, for kind "email"; E.164 phones for "phone") belong
// to a person the team erased. Two queries for the whole list.
std::set<std::string> erased_addresses(soci::session& s, std::int64_t team_id,
                                       const std::string& kind,
                                       const std::vector<std::string>& values);

}  // namespace sb
