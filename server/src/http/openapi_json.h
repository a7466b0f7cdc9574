// Small builders for OpenAPI fragments, shared by the parts of the document written by code
// (record routes, filter parameters, conventions).
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <string>

namespace sb::openapi {

using Obj = Poco::JSON::Object;
using ObjPtr = Poco::JSON::Object::Ptr;
using Arr = Poco::JSON::Array;

// An empty object that keeps its keys in insertion order.
inline ObjPtr obj() {
  return new Obj(Poco::JSON_PRESERVE_KEY_ORDER);
}

// {"$ref": to}
inline ObjPtr ref_to(const std::string& to) {
  auto o = obj();
  o->set("$ref", to);
  return o;
}

}  // namespace sb::openapi
