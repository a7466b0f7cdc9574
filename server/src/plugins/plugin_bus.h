// How plugins join the rest of the server: one event-bus subscriber and one capture
// extractor that fan out to whatever the current plugin set registered, so a reload needs
// no change to the dispatcher or the ingestor.
#pragma once

#include "capture/extractor.h"
#include "events/subscriber.h"
#include "plugins/plugin_host.h"

namespace sb::plugins {

// Delivers each event to every matching plugin subscriber. A subscriber that succeeded (or
// failed for good) for an event is recorded under an effect key, so a retry of the event
// re-runs only the ones that asked for it.
class PluginSubscriber : public Subscriber {
 public:
  explicit PluginSubscriber(PluginHost& host) : host_(host) {}
  std::string name() const override { return "plugins"; }
  std::string pattern() const override { return "*"; }
  Outcome handle(const StoredEvent& event, DeliveryContext& context) override;

 private:
  PluginHost& host_;
};

class PluginExtractors : public capture::Extractor {
 public:
  explicit PluginExtractors(PluginHost& host) : host_(host) {}
  std::string_view name() const override { return "plugins"; }
  void extract(std::string_view text, const CaptureSettings& settings,
               std::vector<capture::Extracted>& out) const override;

 private:
  PluginHost& host_;
};

}  // namespace sb::plugins
