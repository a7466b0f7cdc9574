// JSON rows writer and their table source per backend.
#include "store/json_rows.h"

#include <cmath>
#include <cstdio>

#include "model/json_escape.h"

namespace sb {

JsonRows& JsonRows::row() {
  if (rows_ > 0) out_ += "},";
  out_ += "{";
  ++rows_;
  first_in_row_ = true;
  return *this;
}

void JsonRows::key(std::string_view column) {
  if (!first_in_row_) out_ += ",";
  first_in_row_ = false;
  out_ += "\"";
  out_.append(column);
  out_ += "\":";
}

JsonRows& JsonRows::add(std::string_view column, std::int64_t value) {
  key(column);
  out_ += std::to_string(value);
  return *this;
}

JsonRows& JsonRows::add(std::string_view column, double value) {
  key(column);
  if (!std::isfinite(value)) {
    out_ += "null";
    return *this;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  out_ += buf;
  return *this;
}

JsonRows& JsonRows::add(std::string_view column, std::string_view value) {
  key(column);
  append_json_string(out_, value);
  return *this;
}

JsonRows& JsonRows::add(std::string_view column, const std::optional<std::string>& value) {
  return value ? add(column, std::string_view(*value)) : add_null(column);
}

JsonRows& JsonRows::add(std::string_view column, const std::optional<std::int64_t>& value) {
  return value ? add(column, *value) : add_null(column);
}

JsonRows& JsonRows::add_json(std::string_view column, std::string_view json) {
  key(column);
  out_.append(json);
  return *this;
}

JsonRows& JsonRows::add_null(std::string_view column) {
  key(column);
  out_ += "null";
  return *this;
}

const std::string& JsonRows::text() {
  if (!closed_) {
    out_ += rows_ > 0 ? "}]" : "]";
    closed_ = true;
  }
  return out_;
}

std::string json_rows_source(const Dialect& dialect, std::string_view param,
                             const std::vector<RowColumn>& columns, std::string_view alias) {
  std::string sql;
  if (dialect.backend() == Backend::kPostgresql) {
    sql = "jsonb_to_recordset(CAST(:" + std::string(param) + " AS jsonb)) AS " +
          std::string(alias) + "(";
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const char* type = columns[i].type == RowType::kInt    ? "bigint"
                         : columns[i].type == RowType::kReal ? "double precision"
                         : columns[i].type == RowType::kText ? "text"
                                                             : "jsonb";
      sql += (i ? ", " : "") + std::string(columns[i].name) + " " + type;
    }
    return sql + ")";
  }
  sql = "(SELECT ";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    std::string path = "'$." + std::string(columns[i].name) + "'";
    std::string expr = columns[i].type == RowType::kJson ? "json(json_extract(value, " + path + "))"
                                                         : "json_extract(value, " + path + ")";
    sql += (i ? ", " : "") + expr + " AS " + std::string(columns[i].name);
  }
  return sql + " FROM json_each(:" + std::string(param) + ")) AS " + std::string(alias);
}

}  // namespace sb
