// A field of a partial update: absent, explicitly null, or a value. PATCH bodies, bulk
// actions and merges all speak in these.
#pragma once

#include <optional>
#include <utility>

namespace sb {

template <class T>
struct Patch {
  bool present = false;
  std::optional<T> value;  // nullopt with present = explicit null
  void set(std::optional<T> v) {
    present = true;
    value = std::move(v);
  }
};

}  // namespace sb
