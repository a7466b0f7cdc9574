// Many rows in one bound parameter: rows are written as a JSON array of objects and read
// back as a table (PostgreSQL jsonb_to_recordset, SQLite json_each), so a set-based
// INSERT/UPDATE/SELECT over N rows is one round trip instead of N (see STACK-NOTES on
// SOCI's per-row bulk binding).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/dialect.h"

namespace sb {

class JsonRows {
 public:
  JsonRows& row();  // starts the next row
  JsonRows& add(std::string_view column, std::int64_t value);
  JsonRows& add(std::string_view column, double value);
  JsonRows& add(std::string_view column, std::string_view value);
  JsonRows& add(std::string_view column, const std::string& value) {
    return add(column, std::string_view(value));
  }
  JsonRows& add(std::string_view column, const char* value) {
    return add(column, std::string_view(value));
  }
  JsonRows& add(std::string_view column, const std::optional<std::string>& value);
  JsonRows& add(std::string_view column, const std::optional<std::int64_t>& value);
  // A value that is already JSON text (an object or array), embedded as is.
  JsonRows& add_json(std::string_view column, std::string_view json);
  JsonRows& add_null(std::string_view column);

  std::size_t size() const { return rows_; }
  bool empty() const { return rows_ == 0; }
  // The array text; binds as one parameter.
  const std::string& text();

 private:
  void key(std::string_view column);
  std::string out_ = "[";
  std::size_t rows_ = 0;
  bool first_in_row_ = true;
  bool closed_ = false;
};

enum class RowType { kInt, kReal, kText, kJson };
struct RowColumn {
  std::string_view name;
  RowType type;
};

// Table source "(...) AS <alias>" over the rows bound as :<param>; JSON columns come back
// as JSON text (SQLite) or jsonb (PostgreSQL).
std::string json_rows_source(const Dialect& dialect, std::string_view param,
                             const std::vector<RowColumn>& columns, std::string_view alias = "r");

}  // namespace sb
