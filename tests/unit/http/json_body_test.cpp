// JSON body checking: positions of syntax errors, limits, and typed field access.
#include "model/json_body.h"

#include <gtest/gtest.h>

#include "model/error.h"

namespace sb {
namespace {

JsonSyntaxError syntax_error(std::string_view text) {
  auto err = check_json_syntax(text);
  EXPECT_TRUE(err.has_value()) << text;
  return err.value_or(JsonSyntaxError{});
}

TEST(JsonSyntax, AcceptsValidDocuments) {
  for (const char* ok : {"{}", "[]", "{\"a\":[1,-2.5e3,true,false,null,\"x\\u00e9\\n\"]}",
                         " \n{\"nested\":{\"k\":\"v\"}}\n ", "\"\xc3\xa9\"", "0", "-0.0E+1"}) {
    EXPECT_FALSE(check_json_syntax(ok).has_value()) << ok;
  }
}

TEST(JsonSyntax, ReportsLineAndColumnOfTheError) {
  auto e = syntax_error("{\"a\": 1,\n  \"b\": tru}");
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.column, 8u);
  EXPECT_NE(e.message.find("literal"), std::string::npos);

  e = syntax_error("{\"a\":1,}");
  EXPECT_EQ(e.line, 1u);
  EXPECT_EQ(e.column, 8u);
  EXPECT_EQ(e.offset, 7u);
}

TEST(JsonSyntax, RejectsTruncatedTrailingAndEmptyInput) {
  EXPECT_NE(syntax_error("{\"a\":").message.find("end of input"), std::string::npos);
  EXPECT_NE(syntax_error("{} {}").message.find("after the JSON value"), std::string::npos);
  EXPECT_NE(syntax_error("").message.find("empty"), std::string::npos);
  EXPECT_NE(syntax_error("  ").message.find("empty"), std::string::npos);
  syntax_error("[1,2");
  syntax_error("01");
  syntax_error("1.");
  syntax_error("{'a':1}");
}

TEST(JsonSyntax, RejectsDuplicateKeysAtTheSecondKey) {
  auto e = syntax_error("{\"a\":1,\"a\":2}");
  EXPECT_EQ(e.offset, 7u);
  EXPECT_NE(e.message.find("duplicate key \"a\""), std::string::npos);
}

TEST(JsonSyntax, RejectsInvalidUtf8AndRawControlCharacters) {
  syntax_error("\"\xff\"");
  syntax_error("\"\xc0\xaf\"");      // overlong '/'
  syntax_error("\"\xed\xa0\x80\"");  // encoded surrogate
  syntax_error("\"\xe2\x82\"");      // truncated
  syntax_error(std::string_view("\"a\0b\"", 5));
  syntax_error("\"tab\there\"");
}

TEST(JsonSyntax, LimitsNestingDepth) {
  std::string deep(100000, '[');
  auto e = syntax_error(deep);
  EXPECT_NE(e.message.find("nesting"), std::string::npos);
  EXPECT_EQ(e.offset, 64u);
  std::string ok = std::string(64, '[') + std::string(64, ']');
  EXPECT_FALSE(check_json_syntax(ok).has_value());
}

TEST(ParseJsonObject, MapsErrorsToCodes) {
  try {
    parse_json_object("{\"a\" 1}");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidJson);
    EXPECT_NE(std::string(e.what()).find("line 1, column 6"), std::string::npos) << e.what();
  }
  try {
    parse_json_object("[1]");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kValidationFailed);
  }
  try {
    parse_json_object("{\"a\":\"\\ud800\"}");  // lone surrogate: Poco refuses it
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidJson);
  }
}

std::string field_error(const std::string& body, const std::function<void(JsonFields&)>& read) {
  try {
    JsonFields f(parse_json_object(body));
    read(f);
    f.reject_unknown();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kValidationFailed);
    for (const auto& d : e.details()) {
      if (d.key == "field") return std::get<std::string>(d.value) + ": " + e.what();
    }
  }
  return "";
}

TEST(JsonFields, NamesTheOffendingField) {
  auto name = [](JsonFields& f) { f.required_string("name", 10); };
  EXPECT_EQ(field_error("{\"name\":\"ok\"}", name), "");
  EXPECT_NE(field_error("{}", name).find("name: "), std::string::npos);
  EXPECT_NE(field_error("{\"name\":5}", name).find("must be a string"), std::string::npos);
  EXPECT_NE(field_error("{\"name\":\"01234567890\"}", name).find("at most 10"), std::string::npos);
  EXPECT_NE(field_error("{\"name\":\"a\\u0000b\"}", name).find("NUL"), std::string::npos);
  EXPECT_NE(field_error("{\"name\":\"x\",\"nmae\":1}", name).find("nmae: "), std::string::npos);
  auto role = [](JsonFields& f) { f.required_enum("role", {"admin", "agent"}); };
  EXPECT_NE(field_error("{\"role\":\"god\"}", role).find("one of: admin, agent"),
            std::string::npos);
  auto n = [](JsonFields& f) { f.optional_int("n", 1, 5); };
  EXPECT_EQ(field_error("{\"n\":null}", n), "");
  EXPECT_NE(field_error("{\"n\":1.5}", n).find("integer"), std::string::npos);
  EXPECT_NE(field_error("{\"n\":9}", n).find("between 1 and 5"), std::string::npos);
  auto b = [](JsonFields& f) { f.optional_bool("b"); };
  EXPECT_NE(field_error("{\"b\":\"true\"}", b).find("true or false"), std::string::npos);
}

}  // namespace
}  // namespace sb
