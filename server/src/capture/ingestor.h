// Turns checked chat items into CRM rows inside one transaction: resolves contacts (by
// platform identity, then captured email/phone, else creates them), opens and updates
// conversations, stores messages idempotently, applies captured values under the
// provenance rules, keeps behaviour aggregates, and appends the events in order. Works on
// a whole group of requests at once so a group commit costs a fixed number of round trips.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "capture/ingest.h"
#include "store/contact_store.h"
#include "store/conversation_store.h"
#include "store/custom_field_store.h"

namespace soci {
class session;
}

namespace sb::capture {

class Ingestor {
 public:
  explicit Ingestor(const ContactStore& contacts);

  // Runs the extractors on a user message and normalises the bot's fields (outside any
  // transaction: pure CPU work on the request thread).
  void extract(IngestItem& item, const CaptureSettings& settings) const;

  // Applies every request of the group in the caller's transaction; results in request
  // order. Throws on a database error (the caller rolls the whole group back).
  std::vector<IngestResult> apply(soci::session& s,
                                  std::span<const IngestRequest* const> group) const;

  // Registered extractors run after the built-in ones (plugins add theirs here, before
  // the server starts serving).
  void add_extractor(std::unique_ptr<Extractor> extractor);

  const ConversationStore& conversations() const { return conversations_; }

 private:
  const ContactStore& contacts_;
  ConversationStore conversations_;
  CustomFieldStore custom_fields_;
  std::vector<std::unique_ptr<Extractor>> extractors_;
};

}  // namespace sb::capture
