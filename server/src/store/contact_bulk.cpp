// Chunked bulk updates.
#include "store/contact_bulk.h"

#include <soci/soci.h>

#include <algorithm>

#include "model/contact_rules.h"
#include "model/error.h"
#include "store/contact_store.h"
#include "store/database.h"
#include "store/user_store.h"

namespace sb {
namespace {

ContactPatch patch_for(const Contact& c, const BulkAction& action) {
  ContactPatch p = action.set;
  if (!action.add_tags.empty() || !action.remove_tags.empty()) {
    auto remove =
        normalize_list("remove_tags", action.remove_tags, contact_limits::kMaxListItems, true);
    std::vector<std::string> tags;
    for (const auto& t : c.tags) {
      if (std::find(remove.begin(), remove.end(), t) == remove.end()) tags.push_back(t);
    }
    for (const auto& t : action.add_tags) tags.push_back(t);
    p.tags.set(tags);
  }
  return p;
}

void apply_chunk(Database& db, const ContactStore& contacts, std::int64_t team_id,
                 const BulkAction& action, const std::vector<std::int64_t>& ids, const Actor& actor,
                 BulkResult& result) {
  db.write([&](soci::session& s) {
    for (std::int64_t id : ids) {
      auto current = contacts.get(s, team_id, id);
      if (!current) {
        result.failed.push_back({id, "not_found", "contact not found"});
        continue;
      }
      ++result.matched;
      std::vector<std::string> changed;
      try {
        contacts.update(s, team_id, id, patch_for(*current, action), std::nullopt, actor, &changed);
      } catch (const Error& e) {
        // A conflict on one contact cannot half-apply it: update() checks before writing.
        if (e.code() != ErrorCode::kConflict && e.code() != ErrorCode::kValidationFailed) throw;
        result.failed.push_back({id, std::string(error_code_name(e.code())), e.what()});
        continue;
      }
      changed.empty() ? ++result.unchanged : ++result.updated;
    }
  });
}

}  // namespace

BulkResult run_bulk(Database& db, const ContactStore& contacts, std::int64_t team_id,
                    const BulkAction& action, const std::vector<std::int64_t>* ids,
                    const FilterNode* filter, const Actor& actor) {
  // Validate the values once on a scratch contact: a bad status fails the request, not
  // every contact one by one.
  Contact scratch;
  scratch.status = "new";
  apply_contact_patch(scratch, patch_for(scratch, action));
  db.read([&](soci::session& s) {
    if (action.set.status.present && action.set.status.value) {
      TeamSettingsStore settings(contacts.dialect());
      require_one_of("set.status", *action.set.status.value, settings.contact_statuses(s, team_id));
    }
    if (action.set.owner_id.present && action.set.owner_id.value) {
      UserStore(contacts.dialect())
          .require_active(s, team_id, *action.set.owner_id.value, "set.owner_id");
    }
  });
  BulkResult result;
  {
    // An Idempotency-Key must not commit with the first chunk: a request cut short after it
    // would then be reported applied. It commits after the last one instead (below); a
    // retry after a cut re-runs the request, and since every bulk action sets values, the
    // contacts already changed stay unchanged: each is updated once.
    Database::ClaimDeferral chunks;
    if (ids) {
      for (std::size_t i = 0; i < ids->size(); i += kBulkChunk) {
        std::vector<std::int64_t> chunk(
            ids->begin() + static_cast<long>(i),
            ids->begin() + static_cast<long>(std::min(ids->size(), i + kBulkChunk)));
        apply_chunk(db, contacts, team_id, action, chunk, actor, result);
      }
    } else {
      std::int64_t after = 0;
      while (true) {
        auto chunk = db.read(
            [&](soci::session& s) { return contacts.ids(s, team_id, *filter, after, kBulkChunk); });
        if (chunk.empty()) break;
        apply_chunk(db, contacts, team_id, action, chunk, actor, result);
        after = chunk.back();
        if (static_cast<int>(chunk.size()) < kBulkChunk) break;
      }
    }
  }
  if (Database::claim_pending()) db.write([](soci::session&) {});
  return result;
}

}  // namespace sb
