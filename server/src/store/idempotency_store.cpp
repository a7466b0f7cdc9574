// idempotency_keys rows.
#include "store/idempotency_store.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include "model/contact_json.h"
#include "model/error.h"
#include "store/database.h"
#include "store/sql_errors.h"
#include "store/statement_cache.h"

namespace sb {

IdempotencyStore::Lookup IdempotencyStore::lookup(std::int64_t team_id, const std::string& key,
                                                  const std::string& request_hash) const {
  return db_.read([&](soci::session& s) {
    long long team = team_id, created = 0;
    const EpochMs now = now_ms();
    std::string hash, body, headers;
    int status = 0;
    soci::indicator status_ind, body_ind, headers_ind;
    s << "SELECT request_hash, status, response_body, response_headers, created_at FROM "
         "idempotency_keys WHERE team_id = :t AND key = :k",
        soci::use(team), soci::use(key), soci::into(hash), soci::into(status, status_ind),
        soci::into(body, body_ind), soci::into(headers, headers_ind), soci::into(created);
    Lookup r;
    if (!s.got_data() || created < now - kRetentionMs) return r;  // new, or expired
    if (hash != request_hash) {
      r.outcome = Outcome::kMismatch;
    } else if (status_ind != soci::i_ok) {
      r.outcome = created >= now - kResponseGraceMs ? Outcome::kInProgress : Outcome::kLost;
    } else {
      r.outcome = Outcome::kReplay;
      r.stored.status = status;
      r.stored.body = body_ind == soci::i_ok ? body : "";
      if (headers_ind == soci::i_ok) {
        for (const auto& [k, v] : parse_string_map(headers)) r.stored.headers.emplace_back(k, v);
      }
    }
    return r;
  });
}

void IdempotencyStore::claim(soci::session& s, std::int64_t team_id, const std::string& key,
                             const std::string& request_hash) const {
  long long team = team_id;
  const EpochMs now = now_ms(), expired = now - kRetentionMs;
  run_cached(s, "DELETE FROM idempotency_keys WHERE team_id = :t AND key = :k AND created_at < :e",
             soci::use(team), soci::use(key), soci::use(expired));
  try {
    run_cached(
        s,
        "INSERT INTO idempotency_keys (team_id, key, request_hash, created_at) VALUES (:t, :k, "
        ":h, :c)",
        soci::use(team), soci::use(key), soci::use(request_hash), soci::use(now));
  } catch (const soci::soci_error& e) {
    if (is_unique_violation(e)) {
      throw Error(ErrorCode::kConflict,
                  "a request with this Idempotency-Key is in progress; retry later");
    }
    throw;
  }
}

void IdempotencyStore::complete(std::int64_t team_id, const std::string& key,
                                const std::string& request_hash,
                                const StoredResponse& response) const {
  std::map<std::string, std::string> headers(response.headers.begin(), response.headers.end());
  std::string headers_json = string_map_json(headers);
  db_.write([&](soci::session& s) {
    long long team = team_id;
    int status = response.status;
    soci::statement update =
        (s.prepare << "UPDATE idempotency_keys SET status = :s, response_body = :b, "
                      "response_headers = :h WHERE team_id = :t AND key = :k AND status IS NULL",
         soci::use(status), soci::use(response.body), soci::use(headers_json), soci::use(team),
         soci::use(key));
    update.execute(true);
    if (update.get_affected_rows() > 0) return;
    // Nothing was claimed: the request wrote nothing. Key and response go in together,
    // unless a concurrent twin already did.
    long long now = now_ms();
    run_cached(s,
               "INSERT INTO idempotency_keys (team_id, key, request_hash, created_at, status, "
               "response_body, response_headers) VALUES (:t, :k, :h, :c, :s, :b, :hd) "
               "ON CONFLICT (team_id, key) DO NOTHING",
               soci::use(team), soci::use(key), soci::use(request_hash), soci::use(now),
               soci::use(status), soci::use(response.body), soci::use(headers_json));
  });
}

}  // namespace sb
