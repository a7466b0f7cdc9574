// sentiment_lexicon against the SDK's fake host: word lists from its settings, scores, ties.
#include <gtest/gtest.h>
#include <switchboard/sdk_fake.h>

#include "plugin_path.h"

namespace {

using switchboard::fake::Host;

TEST(SentimentLexiconPlugin, ScoresByTheBalanceOfItsWords) {
  Host host;
  ASSERT_EQ(host.load_library(plugin_path("sentiment_lexicon")), "");
  auto found = host.extract("Great service, I LOVE it, but the app is broken");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].field, "sentiment");
  EXPECT_EQ(found[0].value, "positive");
  EXPECT_NEAR(found[0].score, 1.0 / 3.0, 1e-9);           // 2 positive, 1 negative
  EXPECT_TRUE(host.extract("great but broken").empty());  // a tie says nothing
  EXPECT_TRUE(host.extract("").empty());
}

TEST(SentimentLexiconPlugin, TakesItsWordListsFromSettings) {
  Host host;
  host.settings = {{"negative", "kaputt, mist"}, {"positive", "toll"}};
  ASSERT_EQ(host.load_library(plugin_path("sentiment_lexicon")), "");
  auto found = host.extract("Das Ding ist kaputt, so ein Mist");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].value, "negative");
  EXPECT_DOUBLE_EQ(found[0].score, -1.0);
  EXPECT_TRUE(host.extract("it is broken").empty());  // the default list is replaced

  Host typo;
  typo.settings = {{"negatives", "mist"}};
  EXPECT_EQ(typo.load_library(plugin_path("sentiment_lexicon")),
            "sentiment_lexicon.conf: unknown setting 'negatives'");
}

}  // namespace
