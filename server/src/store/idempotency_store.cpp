// idempotency_keys rows.
#include "store/idempotency_store.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include "model/contact_json.h"
#include "model/error.h"
#include "store/database.h"
#include "store/sql_errors.h"

namespace sb {

IdempotencyStore::Reservation IdempotencyStore::reserve(std::int64_t team_id,
                                                        const std::string& key,
                                                        const std::string& request_hash) const {
  return db_.write([&](soci::session& s) {
    long long team = team_id, created = 0;
    EpochMs now = now_ms();
    std::string hash, body, headers;
    int status = 0;
    soci::indicator status_ind, body_ind, headers_ind;
    s << "SELECT request_hash, status, response_body, response_headers, created_at FROM "
         "idempotency_keys "
         "WHERE team_id = :t AND key = :k" +
             std::string(db_.dialect().for_update()),
        soci::use(team), soci::use(key), soci::into(hash), soci::into(status, status_ind),
        soci::into(body, body_ind), soci::into(headers, headers_ind), soci::into(created);
    Reservation r;
    if (s.got_data() && created >= now - kRetentionMs) {
      if (hash != request_hash) {
        r.outcome = Outcome::kMismatch;
      } else if (status_ind != soci::i_ok) {
        r.outcome = Outcome::kInProgress;
      } else {
        r.outcome = Outcome::kReplay;
        r.stored.status = status;
        r.stored.body = body_ind == soci::i_ok ? body : "";
        if (headers_ind == soci::i_ok) {
          for (const auto& [k, v] : parse_string_map(headers)) r.stored.headers.emplace_back(k, v);
        }
      }
      return r;
    }
    if (s.got_data()) {  // expired: the key may be used again
      s << "DELETE FROM idempotency_keys WHERE team_id = :t AND key = :k", soci::use(team),
          soci::use(key);
    }
    try {
      s << "INSERT INTO idempotency_keys (team_id, key, request_hash, created_at) VALUES (:t, :k, "
           ":h, :c)",
          soci::use(team), soci::use(key), soci::use(request_hash), soci::use(now);
    } catch (const soci::soci_error& e) {
      // Another process reserved it between our read and insert (PostgreSQL).
      if (is_unique_violation(e)) {
        throw Error(ErrorCode::kConflict,
                    "a request with this Idempotency-Key is in progress; retry later");
      }
      throw;
    }
    return r;
  });
}

void IdempotencyStore::complete(std::int64_t team_id, const std::string& key,
                                const StoredResponse& response) const {
  std::map<std::string, std::string> headers(response.headers.begin(), response.headers.end());
  std::string headers_json = string_map_json(headers);
  db_.write([&](soci::session& s) {
    long long team = team_id;
    int status = response.status;
    s << "UPDATE idempotency_keys SET status = :s, response_body = :b, response_headers = :h "
         "WHERE team_id = :t AND key = :k",
        soci::use(status), soci::use(response.body), soci::use(headers_json), soci::use(team),
        soci::use(key);
  });
}

void IdempotencyStore::release(std::int64_t team_id, const std::string& key) const {
  db_.write([&](soci::session& s) {
    long long team = team_id;
    s << "DELETE FROM idempotency_keys WHERE team_id = :t AND key = :k AND status IS NULL",
        soci::use(team), soci::use(key);
  });
}

}  // namespace sb
