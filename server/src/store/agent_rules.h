// Agents (chatbots): platforms from the known list, a paid agent names the contact tag
// that admits a subscriber, and deleting an agent with conversations is refused (their
// history stays); deleting one revokes its ingest keys.
#pragma once

#include "store/record_service.h"

namespace sb {

class AgentHooks : public RecordHooks {
 public:
  void before_write(soci::session& s, const Record* before, Record& after,
                    std::vector<int>& changed, const WriteContext& ctx) const override;
  void before_remove(soci::session& s, const Record& record) const override;
};

}  // namespace sb
