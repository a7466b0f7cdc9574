// Sentiment from a word lexicon (English and Spanish, plus the team's own words) with
// negation: "not good" counts as negative, "no problem" as positive.
#include <algorithm>
#include <cmath>
#include <set>

#include "capture/extractor.h"
#include "capture/text_scan.h"

namespace sb::capture {
namespace {

const std::set<std::string>& positive_lexicon() {
  static const std::set<std::string> s = {
      "good",      "great",     "excellent", "amazing", "awesome",    "love",      "loved",
      "like",      "thanks",    "thank",     "perfect", "happy",      "glad",      "nice",
      "wonderful", "helpful",   "fantastic", "best",    "satisfied",  "pleased",   "fast",
      "easy",      "works",     "solved",    "cool",    "brilliant",  "recommend", "bueno",
      "buena",     "excelente", "genial",    "gracias", "perfecto",   "encanta",   "feliz",
      "contento",  "contenta",  "rápido",    "fácil",   "maravilloso"};
  return s;
}

const std::set<std::string>& negative_lexicon() {
  static const std::set<std::string> s = {
      "bad",       "terrible", "awful",   "horrible",     "hate",          "worst",
      "angry",     "annoyed",  "upset",   "disappointed", "disappointing", "broken",
      "useless",   "slow",     "problem", "issue",        "wrong",         "refund",
      "complaint", "scam",     "poor",    "unhappy",      "frustrated",    "ridiculous",
      "fail",      "failed",   "cancel",  "malo",         "mala",          "terrible",
      "pésimo",    "pesimo",   "odio",    "enojado",      "enojada",       "problema",
      "estafa",    "lento",    "roto",    "queja",        "decepcionado",  "reembolso"};
  return s;
}

bool negator(const std::string& w) {
  static const std::set<std::string> s = {
      "not",    "no",    "never", "don't",  "doesn't", "didn't",  "isn't", "wasn't",
      "aren't", "won't", "can't", "cannot", "nunca",   "tampoco", "ni",    "without"};
  return s.count(w) > 0;
}

class SentimentExtractor final : public Extractor {
 public:
  std::string_view name() const override { return "sentiment"; }
  void extract(std::string_view text, const CaptureSettings& settings,
               std::vector<Extracted>& out) const override {
    std::vector<Token> tokens = tokenize(text);
    double total = 0;
    int hits = 0;
    int negate_left = 0;  // a negation flips the next three words
    for (const Token& t : tokens) {
      bool pos = positive_lexicon().count(t.lower) ||
                 std::find(settings.positive_words.begin(), settings.positive_words.end(),
                           t.lower) != settings.positive_words.end();
      bool neg = negative_lexicon().count(t.lower) ||
                 std::find(settings.negative_words.begin(), settings.negative_words.end(),
                           t.lower) != settings.negative_words.end();
      if (negator(t.lower) && !neg) {
        negate_left = 3;
        continue;
      }
      if (pos || neg) {
        double v = pos ? 1.0 : -1.0;
        if (negate_left > 0) v = -v * 0.8;  // "not bad" is milder than "good"
        total += v;
        ++hits;
        negate_left = 0;
      } else if (negate_left > 0) {
        --negate_left;
      }
    }
    // Exclamation marks strengthen what is already there.
    std::size_t bangs = static_cast<std::size_t>(std::count(text.begin(), text.end(), '!'));
    double score = hits == 0 ? 0 : total / std::sqrt(static_cast<double>(hits) + 1.0);
    if (hits > 0 && bangs > 0)
      score *= 1.0 + 0.1 * static_cast<double>(std::min<std::size_t>(bangs, 3));
    score = std::clamp(score, -1.0, 1.0);
    std::string label = score >= 0.25 ? "positive" : score <= -0.25 ? "negative" : "neutral";
    double confidence = hits == 0 ? 0.3 : std::min(0.9, 0.5 + 0.1 * hits);
    Extracted e{"sentiment", label, confidence, "sentiment"};
    e.score = std::round(score * 1000) / 1000;
    out.push_back(std::move(e));
  }
};

}  // namespace

std::unique_ptr<Extractor> make_sentiment_extractor() {
  return std::make_unique<SentimentExtractor>();
}

}  // namespace sb::capture
