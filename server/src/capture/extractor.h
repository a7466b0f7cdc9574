// What capture learns from a message: the Extractor interface and the value it yields.
// Built-in extractors (contact details, intent, sentiment, interests) implement it;
// native plugins will register more through the same interface.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/capture_settings.h"

namespace sb::capture {

struct Extracted {
  std::string
      field;  // email|phone|name|company|purchase_intent|sentiment|interests|custom.<key>|...
  std::string value;
  double confidence = 0;  // 0..1
  std::string source;     // extractor name, or "bot" for values the bot's own LLM sent
  double score = 0;       // sentiment only: -1 (negative) .. 1 (positive)
};

class Extractor {
 public:
  virtual ~Extractor() = default;
  virtual std::string_view name() const = 0;
  // Appends what `text` (a user message) reveals; never throws for any input.
  virtual void extract(std::string_view text, const CaptureSettings& settings,
                       std::vector<Extracted>& out) const = 0;
};

// The built-in extractors, in the order they run.
std::vector<std::unique_ptr<Extractor>> builtin_extractors();

// Each built-in, for tests and for plugins that want to wrap one.
std::unique_ptr<Extractor> make_contact_details_extractor();
std::unique_ptr<Extractor> make_intent_extractor();
std::unique_ptr<Extractor> make_sentiment_extractor();
std::unique_ptr<Extractor> make_interest_extractor();

}  // namespace sb::capture
