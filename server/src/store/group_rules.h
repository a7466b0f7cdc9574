// User groups: every member is an active user of the team when the group is written
// (assignment skips members deactivated later).
#pragma once

#include "store/record_service.h"
#include "store/user_store.h"

namespace sb {

class GroupHooks : public RecordHooks {
 public:
  explicit GroupHooks(const Dialect& dialect) : users_(dialect) {}
  void before_write(soci::session& s, const Record* before, Record& after,
                    std::vector<int>& changed, const WriteContext& ctx) const override;

 private:
  UserStore users_;
};

}  // namespace sb
