// Word-level scanning shared by the extractors: lower-cased tokens with their byte
// positions, and phrase matching on token boundaries (UTF-8 bytes count as letters).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace sb::capture {

struct Token {
  std::string lower;  // ASCII lower-cased
  std::size_t begin = 0, end = 0;
};

std::vector<Token> tokenize(std::string_view text);
// Index of the first token where the space-separated phrase starts, or -1.
int find_phrase(const std::vector<Token>& tokens, std::string_view phrase, std::size_t from = 0);
bool is_word_byte(unsigned char c);

}  // namespace sb::capture
