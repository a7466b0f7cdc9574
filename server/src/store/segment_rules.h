// Segment records: the rule is checked against the team (custom fields, references to
// other segments, cycles); built-in segments cannot be deleted, nor one another refers to.
#pragma once

#include "store/record_service.h"
#include "store/segment_store.h"

namespace sb {

class SegmentHooks : public RecordHooks {
 public:
  explicit SegmentHooks(const Dialect& d) : segments_(d), dialect_(d) {}
  void before_write(soci::session& s, const Record* before, Record& after,
                    std::vector<int>& changed, const WriteContext& ctx) const override;
  void before_remove(soci::session& s, const Record& record) const override;

 private:
  SegmentStore segments_;
  const Dialect& dialect_;
};

}  // namespace sb
