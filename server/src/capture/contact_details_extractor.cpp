// Contact details in free text: email addresses, phone numbers (E.164, with the team's
// default calling code for local numbers), self-introductions ("my name is", "me llamo")
// and company names ("I work at", "from Acme Inc").
#include <algorithm>
#include <array>
#include <cctype>

#include "capture/extractor.h"
#include "capture/text_scan.h"
#include "model/contact_rules.h"
#include "model/error.h"

namespace sb::capture {
namespace {

bool email_byte(unsigned char c) {
  return std::isalnum(c) || c == '.' || c == '_' || c == '-' || c == '+' || c == '%';
}

void find_emails(std::string_view text, std::vector<Extracted>& out) {
  for (std::size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    std::size_t b = at, e = at + 1;
    while (b > 0 && email_byte(static_cast<unsigned char>(text[b - 1]))) --b;
    while (e < text.size() && email_byte(static_cast<unsigned char>(text[e]))) ++e;
    while (e > at + 1 && (text[e - 1] == '.' || text[e - 1] == '-')) --e;  // "me@x.com."
    if (b == at || e == at + 1) continue;
    try {
      std::string email = normalize_email("email", text.substr(b, e - b));
      out.push_back({"email", email, 0.95, "contact_details"});
    } catch (const Error&) {
    }
  }
}

// "2026-11-21 10:00" has as many digits as a local phone number.
bool looks_like_date(std::string_view raw) {
  return raw.size() >= 5 && (raw.rfind("19", 0) == 0 || raw.rfind("20", 0) == 0) &&
         std::isdigit(static_cast<unsigned char>(raw[2])) &&
         std::isdigit(static_cast<unsigned char>(raw[3])) && (raw[4] == '-' || raw[4] == '.');
}

void find_phones(std::string_view text, const CaptureSettings& settings,
                 std::vector<Extracted>& out) {
  std::size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    bool starts = c == '+' || std::isdigit(c) || c == '(';
    if (!starts || (i > 0 && is_word_byte(static_cast<unsigned char>(text[i - 1])))) {
      ++i;
      continue;
    }
    std::size_t j = i, digits = 0;
    while (j < text.size()) {
      unsigned char d = static_cast<unsigned char>(text[j]);
      if (std::isdigit(d)) {
        ++digits;
      } else if (!(d == ' ' || d == '-' || d == '.' || d == '(' || d == ')' ||
                   (d == '+' && j == i))) {
        break;
      }
      ++j;
    }
    std::string_view raw = text.substr(i, j - i);
    while (!raw.empty() && !std::isdigit(static_cast<unsigned char>(raw.back()))) {
      raw.remove_suffix(1);
    }
    i = std::max(j, i + 1);
    if (digits < 8 || digits > 16) continue;
    bool international = raw[0] == '+' || raw.rfind("00", 0) == 0;
    double confidence = international ? 0.85 : 0.6;
    if (!international && (settings.phone_country_code.empty() || looks_like_date(raw))) continue;
    try {
      out.push_back({"phone", normalize_local_phone("phone", raw, settings.phone_country_code),
                     confidence, "contact_details"});
    } catch (const Error&) {
    }
  }
}

bool capitalized(std::string_view text, const Token& t) {
  unsigned char c = static_cast<unsigned char>(text[t.begin]);
  return std::isupper(c) || c >= 0x80;  // accented capitals (Á, É, ...) are multi-byte
}

// Words that follow "I'm"/"soy" but are not names.
bool not_a_name(const std::string& w) {
  static const std::array<std::string_view, 34> kWords = {
      "interested", "looking", "here", "fine", "good", "not",   "from",   "just",  "trying",
      "calling",    "writing", "the",  "a",    "an",   "very",  "so",     "sorry", "happy",
      "sad",        "angry",   "ok",   "okay", "also", "still", "in",     "at",    "with",
      "el",         "la",      "un",   "una",  "de",   "muy",   "cliente"};
  return std::find(kWords.begin(), kWords.end(), w) != kWords.end();
}

// Up to `max_words` capitalised words from token `start`, stopping at punctuation.
std::string proper_noun(std::string_view text, const std::vector<Token>& tokens, std::size_t start,
                        std::size_t max_words, bool skip_stop_words) {
  std::string out;
  std::size_t end = 0;
  for (std::size_t k = start; k < tokens.size() && k < start + max_words; ++k) {
    const Token& t = tokens[k];
    if (!capitalized(text, t) || (skip_stop_words && not_a_name(t.lower))) break;
    if (k > start) {
      std::string_view gap = text.substr(end, t.begin - end);
      if (gap.find_first_not_of(" ") != std::string_view::npos) break;  // "Ana, and ..."
      out.push_back(' ');
    }
    out.append(text.substr(t.begin, t.end - t.begin));
    end = t.end;
  }
  return out;
}

struct Cue {
  std::string_view phrase;
  double confidence;
};

void find_names(std::string_view text, const std::vector<Token>& tokens,
                std::vector<Extracted>& out) {
  static const std::array<Cue, 9> kCues = {{{"my name is", 0.85},
                                            {"me llamo", 0.85},
                                            {"mi nombre es", 0.85},
                                            {"name's", 0.75},
                                            {"i'm", 0.6},
                                            {"i am", 0.6},
                                            {"this is", 0.55},
                                            {"soy", 0.6},
                                            {"call me", 0.7}}};
  for (const Cue& cue : kCues) {
    int at = find_phrase(tokens, cue.phrase);
    if (at < 0) continue;
    std::size_t next = static_cast<std::size_t>(at) + tokenize(cue.phrase).size();
    std::string name = proper_noun(text, tokens, next, 3, true);
    if (!name.empty() && name.size() <= 100) {
      out.push_back({"name", name, cue.confidence, "contact_details"});
      return;  // the strongest cue wins
    }
  }
}

bool company_suffix(const std::string& w) {
  static const std::array<std::string_view, 11> kSuffixes = {
      "inc", "ltd", "llc", "gmbh", "corp", "co", "sa", "sl", "plc", "ag", "company"};
  return std::find(kSuffixes.begin(), kSuffixes.end(), w) != kSuffixes.end();
}

void find_company(std::string_view text, const std::vector<Token>& tokens,
                  std::vector<Extracted>& out) {
  static const std::array<Cue, 6> kStrong = {{{"work at", 0.7},
                                              {"work for", 0.7},
                                              {"working at", 0.7},
                                              {"working for", 0.7},
                                              {"trabajo en", 0.7},
                                              {"la empresa", 0.65}}};
  for (const Cue& cue : kStrong) {
    int at = find_phrase(tokens, cue.phrase);
    if (at < 0) continue;
    std::string name = proper_noun(
        text, tokens, static_cast<std::size_t>(at) + tokenize(cue.phrase).size(), 4, false);
    if (!name.empty()) {
      out.push_back({"company", name, cue.confidence, "contact_details"});
      return;
    }
  }
  // "at"/"from" alone is ambiguous ("from Spain"): only with a company suffix after.
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (tokens[i].lower != "at" && tokens[i].lower != "from") continue;
    std::string name = proper_noun(text, tokens, i + 1, 4, false);
    if (name.empty()) continue;
    std::size_t words = tokenize(name).size();
    if (company_suffix(tokens[i + words].lower)) {
      out.push_back({"company", name, 0.75, "contact_details"});
      return;
    }
  }
}

class ContactDetailsExtractor final : public Extractor {
 public:
  std::string_view name() const override { return "contact_details"; }
  void extract(std::string_view text, const CaptureSettings& settings,
               std::vector<Extracted>& out) const override {
    find_emails(text, out);
    find_phones(text, settings, out);
    std::vector<Token> tokens = tokenize(text);
    find_names(text, tokens, out);
    find_company(text, tokens, out);
  }
};

}  // namespace

std::unique_ptr<Extractor> make_contact_details_extractor() {
  return std::make_unique<ContactDetailsExtractor>();
}

}  // namespace sb::capture
