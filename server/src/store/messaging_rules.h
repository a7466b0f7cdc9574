// Template and campaign records: a template's parts must parse and name only variables the
// team has; a campaign needs a template of its channel, an audience it can compile, and is
// edited only before it sends.
#pragma once

#include "store/record_service.h"

namespace sb {

class ContactStore;

class TemplateHooks : public RecordHooks {
 public:
  explicit TemplateHooks(const Dialect& d) : dialect_(d) {}
  void before_write(soci::session& s, const Record* before, Record& after,
                    std::vector<int>& changed, const WriteContext& ctx) const override;
  void before_remove(soci::session& s, const Record& record) const override;

 private:
  const Dialect& dialect_;
};

class CampaignHooks : public RecordHooks {
 public:
  explicit CampaignHooks(const Dialect& d) : dialect_(d) {}
  void before_write(soci::session& s, const Record* before, Record& after,
                    std::vector<int>& changed, const WriteContext& ctx) const override;
  void before_remove(soci::session& s, const Record& record) const override;

 private:
  const Dialect& dialect_;
};

// Parses every part of a template record and checks its variables against the team's
// custom fields; throws Error::validation (422) naming the part and the variable.
void check_template_record(soci::session& s, const Dialect& d, const Record& record);

}  // namespace sb
