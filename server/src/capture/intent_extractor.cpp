// Purchase intent from the team's phrase rules: the strongest level a message matches.
#include "capture/extractor.h"
#include "capture/text_scan.h"

namespace sb::capture {
namespace {

struct Level {
  const char* name;
  double confidence;
};
constexpr Level kLevels[] = {{"ready_to_buy", 0.8}, {"comparing", 0.7}, {"browsing", 0.6}};

class IntentExtractor final : public Extractor {
 public:
  std::string_view name() const override { return "intent"; }
  void extract(std::string_view text, const CaptureSettings& settings,
               std::vector<Extracted>& out) const override {
    std::vector<Token> tokens = tokenize(text);
    for (const Level& level : kLevels) {
      auto it = settings.intent_phrases.find(level.name);
      if (it == settings.intent_phrases.end()) continue;
      for (const std::string& phrase : it->second) {
        if (find_phrase(tokens, phrase) >= 0) {
          out.push_back({"purchase_intent", level.name, level.confidence, "intent"});
          return;
        }
      }
    }
  }
};

class InterestExtractor final : public Extractor {
 public:
  std::string_view name() const override { return "interests"; }
  void extract(std::string_view text, const CaptureSettings& settings,
               std::vector<Extracted>& out) const override {
    if (settings.interests.empty()) return;
    std::vector<Token> tokens = tokenize(text);
    std::vector<std::string> seen;
    for (const auto& [keyword, interest] : settings.interests) {
      if (find_phrase(tokens, keyword) < 0) continue;
      bool dup = false;
      for (const auto& s : seen) dup = dup || s == interest;
      if (dup) continue;
      seen.push_back(interest);
      out.push_back({"interests", interest, 0.7, "interests"});
    }
  }
};

}  // namespace

std::unique_ptr<Extractor> make_intent_extractor() {
  return std::make_unique<IntentExtractor>();
}
std::unique_ptr<Extractor> make_interest_extractor() {
  return std::make_unique<InterestExtractor>();
}

std::vector<std::unique_ptr<Extractor>> builtin_extractors() {
  std::vector<std::unique_ptr<Extractor>> v;
  v.push_back(make_contact_details_extractor());
  v.push_back(make_intent_extractor());
  v.push_back(make_sentiment_extractor());
  v.push_back(make_interest_extractor());
  return v;
}

}  // namespace sb::capture
