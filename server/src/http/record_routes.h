// REST routes of a schema-described entity from its RecordService: list (filters from the
// schema's filterable fields, cursor pagination), create, get, PATCH, delete.
#pragma once

#include <string>

#include "http/api_services.h"
#include "http/router.h"
#include "model/role.h"

namespace sb {

struct RecordRouteOptions {
  std::string base;          // "/v1/tickets" or "/v1/tickets/{id}/comments"
  std::string item_param;    // "{id}" or "{comment_id}" (without braces)
  std::string parent_param;  // "id" for nested resources, "" otherwise
  Role read_role = Role::kViewer;
  Role write_role = Role::kAgent;
  bool writable = true;  // POST and PATCH routes
  bool deletable = true;
  // A user-id field naming whose record it is (notifications): a signed-in person below
  // admin lists, reads, changes and deletes only their own (another's answers 404). Keys
  // and admins see the team's.
  std::string_view personal_field;
};

void add_record_routes(Router& router, ApiServices& services, const RecordService& records,
                       const RecordRouteOptions& options);

// Every record route set registered so far (the OpenAPI generator reads them).
struct RecordRouteDoc {
  const EntitySchema* schema;
  RecordRouteOptions options;
};
const std::vector<RecordRouteDoc>& record_route_docs();

// The list query of `schema` from ?limit, ?cursor, ?order=asc|desc and ?<filterable
// field>=v1,v2 ("null" matches no value); 400 naming an unknown parameter or bad value.
RecordQuery read_record_query(const Request& request, const EntitySchema& schema,
                              std::initializer_list<std::string_view> also_allowed = {});
// The standard page envelope of records.
Response record_page(ApiServices& services, soci::session& s, const RecordService& records,
                     std::vector<Record> rows, const RecordQuery& query);

}  // namespace sb
