// Tokenizer and phrase matcher of the extractors.
#include "capture/text_scan.h"

#include <cctype>

namespace sb::capture {

bool is_word_byte(unsigned char c) {
  return std::isalnum(c) || c >= 0x80 || c == '\'';
}

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !is_word_byte(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t start = i;
    while (i < text.size() && is_word_byte(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) {
      Token t;
      t.begin = start;
      t.end = i;
      t.lower.reserve(i - start);
      for (std::size_t k = start; k < i; ++k) {
        t.lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(text[k]))));
      }
      // A quote at either end is punctuation ('hello'); inside a word it stays (i'm).
      while (!t.lower.empty() && t.lower.back() == '\'') t.lower.pop_back();
      while (!t.lower.empty() && t.lower.front() == '\'') t.lower.erase(0, 1);
      if (!t.lower.empty()) out.push_back(std::move(t));
    }
  }
  return out;
}

int find_phrase(const std::vector<Token>& tokens, std::string_view phrase, std::size_t from) {
  std::vector<Token> words = tokenize(phrase);
  if (words.empty() || tokens.size() < words.size()) return -1;
  for (std::size_t i = from; i + words.size() <= tokens.size(); ++i) {
    bool match = true;
    for (std::size_t k = 0; k < words.size() && match; ++k) {
      match = tokens[i + k].lower == words[k].lower;
    }
    if (match) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace sb::capture
