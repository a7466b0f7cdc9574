// Forms: public slugs (unique across teams, as they appear in /f/{slug} without a key),
// field mappings checked against the team's custom fields, and the public submission path
// that validates, creates or updates the contact, stores the submission and emits
// form.submitted, all in one transaction.
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>

#include "model/form_fields.h"
#include "store/contact_store.h"
#include "store/record_service.h"

namespace sb {

class FormHooks : public RecordHooks {
 public:
  void before_write(soci::session& s, const Record* before, Record& after,
                    std::vector<int>& changed, const WriteContext& ctx) const override;
  void after_write(soci::session& s, const Record* before, const Record& after,
                   const std::vector<int>& changed, const WriteContext& ctx) const override;
  void before_remove(soci::session& s, const Record& record) const override;
};

struct SubmissionMeta {
  std::string ip;
  std::string user_agent;
  std::string referrer;
};

struct SubmissionResult {
  bool stored = false;  // false when the honeypot caught a bot (answered as a success)
  std::string message;
  std::optional<std::string> redirect_url;
  std::int64_t submission_id = 0;
  std::int64_t contact_id = 0;
  std::int64_t team_id = 0;
};

// What the public page of a form shows.
struct PublishedForm {
  std::string name;
  std::vector<FormField> fields;
  std::string honeypot;
};

class FormSubmitter {
 public:
  FormSubmitter(const ContactStore& contacts, const RecordService& submissions)
      : contacts_(contacts), submissions_(submissions) {}

  // 404 for an unknown or disabled slug; 422 naming the form field for invalid values.
  SubmissionResult submit(soci::session& s, const std::string& slug,
                          const Poco::JSON::Object& values, const SubmissionMeta& meta) const;
  // The enabled form of `slug` for GET /f/{slug}; 404 like submit().
  PublishedForm published(soci::session& s, const std::string& slug) const;

 private:
  // The enabled form of `slug` with its team; 404 for an unknown or disabled slug.
  Record enabled_form(soci::session& s, const std::string& slug) const;

  const ContactStore& contacts_;
  const RecordService& submissions_;
};

}  // namespace sb
