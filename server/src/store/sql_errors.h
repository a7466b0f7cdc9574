// Classifies driver errors the repositories must turn into API errors (409 on a taken
// identity) instead of a 500.
#pragma once

namespace soci {
class soci_error;
}

namespace sb {

// UNIQUE / PRIMARY KEY violation on either backend.
bool is_unique_violation(const soci::soci_error& e);

}  // namespace sb
