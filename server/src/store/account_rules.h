// Accounts (companies): a normalised domain, unique per team. Deleting an account unlinks
// its contacts and leads rather than deleting them.
#pragma once

#include "store/record_service.h"

namespace sb {

class AccountHooks : public RecordHooks {
 public:
  void before_write(soci::session& s, const Record* before, Record& after,
                    std::vector<int>& changed, const WriteContext& ctx) const override;
  void before_remove(soci::session& s, const Record& record) const override;
};

}  // namespace sb
