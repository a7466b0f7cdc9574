// sentiment_lexicon: a word-list sentiment extractor for chat capture, for languages or
// domains the built-in one does not cover. Settings (sentiment_lexicon.conf):
//   positive = great, love, thanks      negative = refund, broken, angry
// (comma-separated, matched as whole lower-case words; defaults below).
#include <switchboard/plugin.hpp>

#include <cctype>
#include <set>
#include <sstream>
#include <string>

namespace {

std::set<std::string> words(const std::string& list) {
  std::set<std::string> out;
  std::stringstream in(list);
  std::string w;
  while (std::getline(in, w, ',')) {
    std::string t;
    for (char c : w) {
      if (!std::isspace(static_cast<unsigned char>(c))) {
        t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    if (!t.empty()) out.insert(t);
  }
  return out;
}

struct Lexicon {
  std::set<std::string> positive, negative;
};

}  // namespace

SWITCHBOARD_PLUGIN(plugin) {
  plugin.describe("sentiment_lexicon", "1.0.0",
                  "Word-list sentiment for chat messages (configurable positive/negative words)");
  plugin.settings({"positive", "negative"});
  auto lex = std::make_shared<Lexicon>();
  lex->positive =
      words(plugin.config_or("positive", "great,love,thanks,perfect,excellent,wunderbar,danke"));
  lex->negative =
      words(plugin.config_or("negative", "refund,broken,angry,terrible,useless,scam,kaputt"));
  plugin.extractor("words", [lex](switchboard::Extraction& out, std::string_view text) {
    int pos = 0, neg = 0;
    std::string word;
    auto flush = [&] {
      if (lex->positive.count(word)) ++pos;
      if (lex->negative.count(word)) ++neg;
      word.clear();
    };
    for (char c : text) {
      unsigned char u = static_cast<unsigned char>(c);
      if (std::isalpha(u) || u >= 0x80) {
        word += static_cast<char>(std::tolower(u));
      } else {
        flush();
      }
    }
    flush();
    if (pos == neg) return;
    double score = static_cast<double>(pos - neg) / static_cast<double>(pos + neg);
    out.add("sentiment", score > 0 ? "positive" : "negative", 0.6, score);
  });
}
