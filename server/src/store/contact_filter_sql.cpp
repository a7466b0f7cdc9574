// Filter tree -> SQL condition with bound parameters.
#include "store/contact_filter_sql.h"

#include "store/conversation_store.h"

#include <soci/soci.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "model/clock.h"
#include "model/contact_rules.h"
#include "model/error.h"

namespace sb {

std::string SqlParams::add_ids(const std::vector<std::int64_t>& ids) {
  std::string out;
  for (std::int64_t id : ids) {
    if (!out.empty()) out += ", ";
    out += add(static_cast<long long>(id));
  }
  return out;
}

std::string SqlParams::add(SqlParam value) {
  names_.push_back("p" + std::to_string(values_.size()));
  values_.push_back(std::move(value));
  return ":" + names_.back();
}

void SqlParams::bind(soci::statement& st) {
  for (std::size_t i = 0; i < values_.size(); ++i) {
    std::visit([&](auto& v) { st.exchange(soci::use(v, names_[i])); }, values_[i]);
  }
}

namespace {

[[noreturn]] void bad(const std::string& message, const std::string& field) {
  throw Error(ErrorCode::kInvalidFilter, message, {{"field", field}});
}

std::string text_of(const FilterValue& v, const std::string& field) {
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  bad("'" + field + "' compares with text values", field);
}

double number_of(const FilterValue& v, const std::string& field) {
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* s = std::get_if<std::string>(&v)) {
    try {
      std::size_t used = 0;
      double d = std::stod(*s, &used);
      if (used == s->size() && std::isfinite(d)) return d;
    } catch (const std::exception&) {
    }
  }
  bad("'" + field + "' compares with numbers", field);
}

bool bool_of(const FilterValue& v, const std::string& field) {
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  if (const auto* s = std::get_if<std::string>(&v)) {
    if (*s == "true") return true;
    if (*s == "false") return false;
  }
  bad("'" + field + "' takes true or false", field);
}

// "now", "now-30d", "now+2h" (units m, h, d, w): evaluated when the filter is compiled.
std::optional<long long> relative_time(const std::string& s) {
  if (s.rfind("now", 0) != 0) return std::nullopt;
  if (s.size() == 3) return now_ms();
  if (s.size() < 6 || (s[3] != '-' && s[3] != '+')) return std::nullopt;
  long long amount = 0;
  for (std::size_t i = 4; i + 1 < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9' || amount > 100000) return std::nullopt;
    amount = amount * 10 + (s[i] - '0');
  }
  static const std::map<char, long long> kUnit = {
      {'m', 60000LL}, {'h', 3600000LL}, {'d', 86400000LL}, {'w', 7 * 86400000LL}};
  auto unit = kUnit.find(s.back());
  if (unit == kUnit.end()) return std::nullopt;
  return now_ms() + (s[3] == '-' ? -1 : 1) * amount * unit->second;
}

long long time_of(const FilterValue& v, const std::string& field) {
  if (const auto* d = std::get_if<double>(&v)) return static_cast<long long>(*d);
  if (const auto* s = std::get_if<std::string>(&v)) {
    if (auto ms = parse_iso8601(*s)) return *ms;
    if (auto ms = relative_time(*s)) return *ms;
  }
  bad("'" + field +
          "' compares with ISO-8601 times (2026-01-31T00:00:00Z), epoch milliseconds or "
          "times relative to now (now-30d; units m, h, d, w)",
      field);
}

// Numbers computed from a contact's related rows.
struct Aggregate {
  const char* from;   // "appointments a"
  const char* alias;  // "a"
  const char* where;  // which rows count
  const char* value;  // over them
};

const Aggregate& aggregate_of(const std::string& field) {
  static const std::map<std::string, Aggregate> kAggregates = {
      {"bookings_count", {"appointments a", "a", "a.status <> 'cancelled'", "COUNT(*)"}},
      {"no_show_count", {"appointments a", "a", "a.status = 'no_show'", "COUNT(*)"}},
      {"lead_value", {"leads l", "l", "l.status <> 'lost'", "COALESCE(SUM(l.value), 0)"}},
      {"open_tickets", {"tickets t", "t", "t.status IN ('open', 'pending')", "COUNT(*)"}},
  };
  return kAggregates.at(field);
}

// unresolved_conversation: a conversation where the customer waits for an answer;
// unanswered_ticket: an open ticket nobody has responded to yet. The contact ids of the
// team's such rows (a semi-join the planner hashes).
std::string flag_rows(const std::string& field) {
  if (field == "unresolved_conversation") {
    return "SELECT v.contact_id FROM conversations v WHERE v.resolved = 0 AND v.awaiting_since IS "
           "NOT NULL AND v.team_id = ";
  }
  return "SELECT t.contact_id FROM tickets t WHERE t.contact_id IS NOT NULL AND t.status IN "
         "('open', 'pending') AND t.first_responded_at IS NULL AND t.team_id = ";
}

std::string like_pattern(std::string s, bool prefix_only) {
  std::string out = prefix_only ? "" : "%";
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

class Compiler {
 public:
  Compiler(const Dialect& d, const std::map<std::string, CustomField>& defs, SqlParams& p,
           std::int64_t team_id)
      : d_(d), defs_(defs), p_(p), team_id_(static_cast<long long>(team_id)) {}

  std::string node(const FilterNode& n) {
    switch (n.kind) {
      case FilterNode::Kind::kAll:
      case FilterNode::Kind::kAny: {
        if (n.children.empty()) return n.kind == FilterNode::Kind::kAll ? "1=1" : "1=0";
        std::string out = "(";
        for (std::size_t i = 0; i < n.children.size(); ++i) {
          if (i) out += n.kind == FilterNode::Kind::kAll ? " AND " : " OR ";
          out += node(n.children[i]);
        }
        return out + ")";
      }
      case FilterNode::Kind::kNot:
        return "NOT " + node(n.children.at(0));
      case FilterNode::Kind::kCondition:
        return condition(n);
    }
    return "1=0";
  }

 private:
  // Normalises values the way writes do, so email=Ann@X.com finds ann@x.com.
  std::string normalised_text(const std::string& field, const FilterValue& v) {
    std::string s = text_of(v, field);
    try {
      if (field == "email") return normalize_email(field, s);
      if (field == "phone") return normalize_phone(field, s);
    } catch (const Error&) {
      return s;  // cannot match a stored value; still a valid question
    }
    return s;
  }

  std::string in_list(const std::vector<FilterValue>& values,
                      const std::function<SqlParam(const FilterValue&)>& conv) {
    std::string out = "(";
    for (std::size_t i = 0; i < values.size(); ++i)
      out += (i ? ", " : "") + p_.add(conv(values[i]));
    return out + ")";
  }

  // Comparison of a scalar SQL expression.
  std::string scalar(const std::string& expr, const FilterNode& n,
                     const std::function<SqlParam(const FilterValue&)>& conv) {
    const std::string& op = n.op;
    if (op == "exists") {
      return expr + (bool_of(n.values.at(0), n.field) ? " IS NOT NULL" : " IS NULL");
    }
    if (op == "in") return expr + " IN " + in_list(n.values, conv);
    if (op == "nin")
      return "(" + expr + " IS NULL OR " + expr + " NOT IN " + in_list(n.values, conv) + ")";
    if (op == "contains" || op == "starts_with") {
      return "LOWER(" + expr + ") LIKE " +
             p_.add(like_pattern(text_of(n.values.at(0), n.field), op == "starts_with")) +
             " ESCAPE '\\'";
    }
    std::string param = p_.add(conv(n.values.at(0)));
    if (op == "eq") return expr + " = " + param;
    if (op == "ne") return "(" + expr + " IS NULL OR " + expr + " <> " + param + ")";
    static const std::map<std::string, std::string> kCmp = {
        {"gt", ">"}, {"gte", ">="}, {"lt", "<"}, {"lte", "<="}};
    auto it = kCmp.find(op);
    if (it == kCmp.end()) bad("operator '" + op + "' is not allowed on '" + n.field + "'", n.field);
    return expr + " " + it->second + " " + param;
  }

  // any / all / none / exists over a JSON array expression.
  std::string list(const std::string& array_expr, const FilterNode& n, bool lower_case) {
    if (n.op == "exists") {
      std::string len = std::string(d_.json_array_length()) + "(" + array_expr + ")";
      return bool_of(n.values.at(0), n.field) ? "COALESCE(" + len + ", 0) > 0"
                                              : "COALESCE(" + len + ", 0) = 0";
    }
    auto conv = [&](const FilterValue& v) -> SqlParam {
      std::string s = text_of(v, n.field);
      if (lower_case)
        std::transform(s.begin(), s.end(), s.begin(),
                       [](unsigned char c) { return std::tolower(c); });
      return s;
    };
    std::string from = d_.json_array_elements(array_expr);
    std::string values = in_list(n.values, conv);
    if (n.op == "any") return "EXISTS (SELECT 1 FROM " + from + " WHERE e.value IN " + values + ")";
    if (n.op == "none")
      return "NOT EXISTS (SELECT 1 FROM " + from + " WHERE e.value IN " + values + ")";
    std::size_t distinct = std::set<std::string>([&] {
                             std::set<std::string> s;
                             for (const auto& v : n.values)
                               s.insert(std::get<std::string>(conv(v)));
                             return s;
                           }())
                               .size();
    return "(SELECT COUNT(DISTINCT e.value) FROM " + from + " WHERE e.value IN " + values +
           ") = " + std::to_string(distinct);
  }

  std::string condition(const FilterNode& n) {
    const std::string& f = n.field;
    auto as_text = [&](const FilterValue& v) -> SqlParam { return normalised_text(f, v); };
    auto as_number = [&](const FilterValue& v) -> SqlParam { return number_of(v, f); };
    auto as_id = [&](const FilterValue& v) -> SqlParam {
      double d = number_of(v, f);
      if (d != std::floor(d)) bad("'" + f + "' takes integer ids", f);
      return static_cast<long long>(d);
    };
    auto as_time = [&](const FilterValue& v) -> SqlParam { return time_of(v, f); };

    if (f == "message") {  // contacts who wrote (or were sent) a message with all these words
      ConversationStore messages(d_);
      return messages.contacts_matching_sql(
          "c.id", "c.team_id", p_.add(messages.match_text(text_of(n.values.at(0), f))));
    }
    if (f == "q") {
      std::string pattern = like_pattern(text_of(n.values.at(0), f), false);
      std::string out = "(";
      const char* columns[] = {"c.name", "c.email", "c.phone", "c.external_id"};
      for (const char* col : columns)
        out += "LOWER(COALESCE(" + std::string(col) + ", '')) LIKE " + p_.add(pattern) +
               " ESCAPE '\\' OR ";
      out += "LOWER(CAST(c.metadata AS TEXT)) LIKE " + p_.add(pattern) + " ESCAPE '\\')";
      return out;
    }
    if (f.rfind("metadata.", 0) == 0) {
      std::string expr = "(c.metadata ->> " + p_.add(f.substr(9)) + ")";
      return scalar(expr, n, [&](const FilterValue& v) -> SqlParam { return text_of(v, f); });
    }
    if (f.rfind("custom.", 0) == 0) return custom(n, f.substr(7));

    FilterFieldKind kind;
    builtin_filter_field(f, kind);  // checked at parse time
    std::string col = "c." + f;
    switch (kind) {
      case FilterFieldKind::kEnum:
      case FilterFieldKind::kText:
        return scalar(col, n, as_text);
      case FilterFieldKind::kId:
        return scalar(col, n, as_id);
      case FilterFieldKind::kNumber:
        return scalar(col, n, as_number);
      case FilterFieldKind::kTime:
        return scalar(col, n, as_time);
      case FilterFieldKind::kList:
        return list(col, n, f == "tags");
      case FilterFieldKind::kAggregate:
        return aggregate(n);
      case FilterFieldKind::kFlag:
        return std::string(bool_of(n.values.at(0), f) ? "c.id IN (" : "c.id NOT IN (") +
               flag_rows(f) + p_.add(team_id_) + ")";
      case FilterFieldKind::kSegment:
        // The store expands references to the segment's own rule before compiling.
        bad("segment references must be expanded before compiling", f);
      default:
        bad("field '" + f + "' cannot be filtered this way", f);
    }
  }

  // A threshold that a contact without rows (value 0) cannot meet becomes a grouped
  // semi-join, which the planner hashes once; anything else is a correlated subquery (one
  // index probe per contact).
  std::string aggregate(const FilterNode& n) {
    const Aggregate& a = aggregate_of(n.field);
    const double v = number_of(n.values.at(0), n.field);
    const bool needs_rows =
        (n.op == "gt" && v >= 0) || (n.op == "gte" && v > 0) || (n.op == "eq" && v != 0);
    const std::string alias = a.alias;
    if (needs_rows) {
      static const std::map<std::string, std::string> kCmp = {
          {"gt", ">"}, {"gte", ">="}, {"eq", "="}};
      return "c.id IN (SELECT " + alias + ".contact_id FROM " + a.from + " WHERE " + alias +
             ".team_id = " + p_.add(team_id_) + " AND " + a.where + " GROUP BY " + alias +
             ".contact_id HAVING " + a.value + " " + kCmp.at(n.op) + " " + p_.add(v) + ")";
    }
    return scalar("(SELECT " + std::string(a.value) + " FROM " + a.from + " WHERE " + alias +
                      ".team_id = c.team_id AND " + alias + ".contact_id = c.id AND " + a.where +
                      ")",
                  n, [&](const FilterValue& x) -> SqlParam { return number_of(x, n.field); });
  }

  std::string custom(const FilterNode& n, const std::string& key) {
    auto it = defs_.find(key);
    if (it == defs_.end()) bad("no custom field '" + key + "'", n.field);
    const CustomField& def = it->second;
    FilterFieldKind kind = FilterFieldKind::kText;
    if (def.type == "number") kind = FilterFieldKind::kNumber;
    if (def.type == "multiselect") kind = FilterFieldKind::kList;
    if (def.type == "select") kind = FilterFieldKind::kEnum;
    const auto& ops = filter_ops(kind);
    bool boolean = def.type == "boolean";
    bool allowed = boolean ? (n.op == "eq" || n.op == "exists")
                           : std::find(ops.begin(), ops.end(), n.op) != ops.end();
    if (!allowed)
      bad("operator '" + n.op + "' is not allowed on " + def.type + " field '" + key + "'",
          n.field);
    std::string key_param = p_.add(key);
    if (kind == FilterFieldKind::kList) return list("(c.custom -> " + key_param + ")", n, false);
    std::string text_expr = "(c.custom ->> " + key_param + ")";
    if (boolean && n.op == "eq") {
      return d_.json_bool_equals("c.custom", key_param, bool_of(n.values.at(0), n.field));
    }
    if (kind == FilterFieldKind::kNumber) {
      std::string num =
          n.op == "exists" ? text_expr : "CAST(" + text_expr + " AS DOUBLE PRECISION)";
      return scalar(num, n,
                    [&](const FilterValue& v) -> SqlParam { return number_of(v, n.field); });
    }
    return scalar(text_expr, n, [&](const FilterValue& v) -> SqlParam {
      std::string s = text_of(v, n.field);
      if (def.type == "email" || def.type == "phone") {
        try {
          s = def.type == "email" ? normalize_email(n.field, s) : normalize_phone(n.field, s);
        } catch (const Error&) {
        }
      }
      return s;
    });
  }

  const Dialect& d_;
  const std::map<std::string, CustomField>& defs_;
  SqlParams& p_;
  long long team_id_;  // aggregates' semi-joins read only this team's rows
};

}  // namespace

std::string compile_contact_filter(const FilterNode& filter, const Dialect& dialect,
                                   const std::map<std::string, CustomField>& custom_fields,
                                   SqlParams& params, std::int64_t team_id) {
  Compiler c(dialect, custom_fields, params, team_id);
  return c.node(filter);
}

}  // namespace sb
