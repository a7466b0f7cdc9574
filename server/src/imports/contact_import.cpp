// CSV rows -> contacts, batch by batch.
#include "imports/contact_import.h"

#include <Poco/JSON/Parser.h>
#include <soci/soci.h>

#include "model/contact_json.h"
#include "model/contact_patch_json.h"
#include "model/contact_rules.h"
#include "model/csv_reader.h"
#include "model/error.h"
#include "model/json_body.h"
#include "store/contact_erasure.h"
#include "store/contact_store.h"
#include "store/custom_field_store.h"
#include "store/database.h"

namespace sb::imports {
namespace {

// Thrown inside a transaction to roll it back on purpose (dry runs, a stopped run).
struct Rollback {};

std::string field_of(const Error& e) {
  for (const ErrorDetail& d : e.details()) {
    if (d.key == "field" && std::holds_alternative<std::string>(d.value))
      return std::get<std::string>(d.value);
  }
  return {};
}

}  // namespace

ImportOptions ImportOptions::parse(const std::string& json) {
  ImportOptions o;
  auto obj = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
  o.mapping = obj->getObject("mapping");
  o.dedupe = obj->optValue<std::string>("dedupe", "email");
  o.on_duplicate = obj->optValue<std::string>("on_duplicate", "skip");
  std::string d = obj->optValue<std::string>("delimiter", "");
  o.delimiter = d.empty() ? 0 : d[0];
  return o;
}

std::string ImportOptions::json() const {
  Poco::JSON::Object o(Poco::JSON_PRESERVE_KEY_ORDER);
  o.set("mapping", mapping ? Poco::Dynamic::Var(mapping) : Poco::Dynamic::Var());
  o.set("dedupe", dedupe);
  o.set("on_duplicate", on_duplicate);
  o.set("delimiter", delimiter ? std::string(1, delimiter) : std::string());
  return json_text(o);
}

struct ContactImport::Pending {
  std::int64_t row = 0;
  CsvRecord record;
};

ContactImport::ContactImport(Database& db, const ImportJob& job, ImportOptions options)
    : db_(db), job_(job), options_(std::move(options)) {}

void ContactImport::prepare(const std::vector<std::string>& header) {
  header_ = header;
  custom_fields_ = db_.read(
      [&](soci::session& s) { return CustomFieldStore(db_.dialect()).by_key(s, job_.team_id); });
  columns_ = resolve_import_mapping(header_, options_.mapping, custom_fields_);
}

bool ContactImport::read(std::istream& file,
                         const std::function<bool(std::vector<Pending>&)>& batch) {
  std::vector<Pending> rows;
  std::int64_t row = -1;  // the header is row 0
  bool stopped = false;
  CsvReader reader(
      [&](CsvRecord& r) {
        if (stopped) return;
        ++row;
        if (row == 0 || row <= job_.counts.rows_done) return;  // header; done before a resume
        rows.push_back({row, std::move(r)});
        if (rows.size() >= kBatchRows) {
          stopped = !batch(rows);
          rows.clear();
        }
      },
      CsvLimits{}, job_.delimiter);
  char buf[64 * 1024];
  while (!stopped && file) {
    file.read(buf, sizeof buf);
    if (file.gcount() > 0)
      reader.feed(std::string_view(buf, static_cast<std::size_t>(file.gcount())));
  }
  if (!stopped) reader.finish();
  if (!stopped && !rows.empty()) stopped = !batch(rows);
  return !stopped;
}

void ContactImport::apply(soci::session& s, std::vector<Pending>& rows,
                          std::vector<ImportRowError>& errors, DryRunReport* dry) {
  const Dialect& d = db_.dialect();
  ContactStore contacts(d);
  ImportStore store(d);
  ImportCounts& counts = job_.counts;
  auto report = [&](const Pending& p, std::optional<std::string> column, std::string outcome,
                    std::string reason) {
    (outcome == "failed" ? counts.failed : counts.skipped)++;
    errors.push_back({p.row, static_cast<std::int64_t>(p.record.line), std::move(column),
                      std::move(outcome), std::move(reason)});
  };
  struct Ready {
    const Pending* p;
    ContactPatch patch;
    std::string key, email, phone;
  };
  std::vector<Ready> ready;
  for (const Pending& p : rows) {
    const CsvRecord& rec = p.record;
    if (!rec.error.empty()) {
      std::optional<std::string> column;
      if (rec.error_field > 0 && rec.error_field <= header_.size())
        column = header_[rec.error_field - 1];
      report(p, column, "failed", rec.error);
      continue;
    }
    bool extra = false;
    for (std::size_t i = header_.size(); i < rec.fields.size(); ++i)
      extra |= !rec.fields[i].empty();
    if (extra) {
      report(p, std::nullopt, "failed",
             "the row has " + std::to_string(rec.fields.size()) + " cells; the header has " +
                 std::to_string(header_.size()));
      continue;
    }
    ImportRow mapped = import_row(columns_, rec.fields, custom_fields_);
    if (!mapped.error.empty()) {
      report(p, mapped.column, "failed", mapped.error);
      continue;
    }
    try {
      JsonFields f(mapped.body);
      Ready r{&p, read_contact_patch(f), {}, {}, {}};
      f.reject_unknown();
      if (r.patch.email.value) r.email = normalize_email("email", *r.patch.email.value);
      if (r.patch.phone.value) r.phone = normalize_phone("phone", *r.patch.phone.value);
      if (options_.dedupe == "email") r.key = r.email;
      if (options_.dedupe == "phone") r.key = r.phone;
      if (options_.dedupe == "external_id" && r.patch.external_id.value)
        r.key = trim(*r.patch.external_id.value);
      ready.push_back(std::move(r));
    } catch (const Error& e) {
      std::string column = column_for_field(columns_, field_of(e));
      report(p, column.empty() ? std::nullopt : std::optional(column), "failed", e.what());
    }
  }

  // Erased people and existing contacts: a few queries for the whole batch.
  std::vector<std::string> emails, phones, keys;
  for (const Ready& r : ready) {
    if (!r.email.empty()) emails.push_back(r.email);
    if (!r.phone.empty()) phones.push_back(r.phone);
    if (!r.key.empty()) keys.push_back(r.key);
  }
  auto erased_emails = erased_addresses(s, job_.team_id, "email", emails);
  auto erased_phones = erased_addresses(s, job_.team_id, "phone", phones);
  std::map<std::string, std::int64_t> existing;
  if (options_.dedupe != "none")
    existing = store.contacts_by(s, job_.team_id, options_.dedupe, keys);

  // New contacts are written together; a row repeating the key of one still pending
  // writes them first, so it finds the contact.
  std::vector<Ready*> pending;
  std::map<std::string, std::size_t> pending_keys;
  auto fail_with = [&](const Pending& p, const Error& e) {
    std::string column = column_for_field(columns_, field_of(e));
    report(p, column.empty() ? std::nullopt : std::optional(column), "failed", e.what());
  };
  auto written = [&](const Contact& c) {
    if (dry && dry->preview.size() < kPreviewRows)
      dry->preview.push_back(new Poco::JSON::Object(contact_to_json(c)));
  };
  auto flush = [&] {
    if (pending.empty()) return;
    std::vector<ContactPatch> patches;
    for (Ready* r : pending) patches.push_back(std::move(r->patch));
    auto results = contacts.create_many(s, job_.team_id, std::move(patches));
    for (std::size_t n = 0; n < results.size(); ++n) {
      const Ready& r = *pending[n];
      if (results[n].error) {
        fail_with(*r.p, *results[n].error);
        continue;
      }
      counts.created++;
      if (!r.key.empty()) {
        existing[r.key] = results[n].contact->id;
        if (dry) created_keys_[r.key] = results[n].contact->id;
      }
      written(*results[n].contact);
    }
    pending.clear();
    pending_keys.clear();
  };
  for (Ready& r : ready) {
    const Pending& p = *r.p;
    if (erased_emails.count(r.email) || erased_phones.count(r.phone)) {
      report(p, std::nullopt, "skipped", "erased: this person asked to be forgotten");
      continue;
    }
    if (!r.key.empty() && options_.on_duplicate != "create" && pending_keys.count(r.key)) {
      if (options_.on_duplicate == "skip") {
        report(p, std::nullopt, "skipped",
               "duplicate of row " + std::to_string(pending[pending_keys[r.key]]->p->row) +
                   " (same " + options_.dedupe + ")");
        continue;
      }
      flush();  // update: the contact that row makes must exist first
    }
    std::int64_t match = 0;
    if (!r.key.empty()) {
      if (auto it = existing.find(r.key); it != existing.end()) {
        match = it->second;
      } else if (auto c = created_keys_.find(r.key); c != created_keys_.end()) {
        match = c->second;
      }
    }
    if (match && options_.on_duplicate == "skip") {
      report(p, std::nullopt, "skipped",
             "duplicate of contact " + std::to_string(match) + " (same " + options_.dedupe + ")");
      continue;
    }
    if (match && options_.on_duplicate == "update") {
      try {
        std::vector<std::string> changed;
        Contact c = contacts.update(
            s, job_.team_id, match, r.patch, std::nullopt,
            job_.created_by_key_id ? Actor::key(*job_.created_by_key_id) : Actor::none(), &changed);
        (changed.empty() ? counts.unchanged : counts.updated)++;
        written(c);
      } catch (const Error& e) {
        // Rules refuse before any SQL runs: the transaction stays usable.
        fail_with(p, e);
      }
      continue;
    }
    r.patch.source.set(std::string("import"));
    if (!r.key.empty()) pending_keys.emplace(r.key, pending.size());
    pending.push_back(&r);
  }
  flush();
  counts.rows_done = rows.empty() ? counts.rows_done : rows.back().row;
}

bool ContactImport::run(std::istream& file,
                        const std::function<bool(soci::session&, const ImportJob&)>& on_batch) {
  ImportStore store(db_.dialect());
  std::int64_t batches = 0;
  return read(file, [&](std::vector<Pending>& rows) {
    ImportJob before = job_;
    try {
      db_.write([&](soci::session& s) {
        std::vector<ImportRowError> errors;
        apply(s, rows, errors, nullptr);
        if (before.counts.failed + before.counts.skipped < ImportStore::kMaxStoredErrors) {
          store.add_errors(s, job_.team_id, job_.id, errors);
        }
        if (!on_batch(s, job_)) throw Rollback{};
      });
    } catch (const Rollback&) {
      job_ = before;
      return false;
    } catch (...) {
      job_ = before;  // the batch rolled back: the counters too
      throw;
    }
    // After batches 1, 2, 4, 8, ...: statistics that follow the tables' growth.
    ++batches;
    if ((batches & (batches - 1)) != 0) return true;
    db_.write([&](soci::session& s) { store.refresh_statistics(s); });
    return true;
  });
}

DryRunReport ContactImport::dry_run(std::istream& file) {
  DryRunReport report;
  read(file, [&](std::vector<Pending>& rows) {
    std::vector<ImportRowError> errors;
    try {
      db_.write([&](soci::session& s) {
        apply(s, rows, errors, &report);
        throw Rollback{};
      });
    } catch (const Rollback&) {
    }
    for (auto& e : errors) {
      if (report.errors.size() < kDryRunErrors) report.errors.push_back(std::move(e));
    }
    return true;
  });
  report.counts = job_.counts;
  return report;
}

}  // namespace sb::imports
