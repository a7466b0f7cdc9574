// Template, campaign and sequence records: a template's parts must parse and name only
// variables the team has; a campaign needs a template of its channel, an audience it can
// compile, and is edited only before it sends; a sequence's steps name templates of their
// channel and its exit conditions the team's segments.
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

class SequenceHooks : public RecordHooks {
 public:
  explicit SequenceHooks(const Dialect& d) : dialect_(d) {}
  void before_write(soci::session& s, const Record* before, Record& after,
                    std::vector<int>& changed, const WriteContext& ctx) const override;
  // Paused -> active: the steps that came due meanwhile are scheduled now.
  void after_write(soci::session& s, const Record* before, const Record& after,
                   const std::vector<int>& changed, const WriteContext& ctx) const override;
  void before_remove(soci::session& s, const Record& record) const override;

 private:
  const Dialect& dialect_;
};

// Parses every part of a template record and checks its variables against the team's
// custom fields; throws Error::validation (422) naming the part and the variable.
void check_template_record(soci::session& s, const Dialect& d, const Record& record);

}  // namespace sb
