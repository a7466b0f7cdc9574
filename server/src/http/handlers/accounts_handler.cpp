// /v1/accounts: companies. Their contacts are /v1/contacts?account_id=N.
#include "http/record_routes.h"
#include "http/routes.h"

namespace sb {

void add_account_routes(Router& router, ApiServices& sv) {
  add_record_routes(router, sv, sv.crm.accounts, {.base = "/v1/accounts", .item_param = "id"});
}

}  // namespace sb
