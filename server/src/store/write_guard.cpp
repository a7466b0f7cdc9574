// The per-thread current guard.
#include "store/write_guard.h"

namespace sb {
namespace {
thread_local const WriteGuard* t_guard = nullptr;
}

const WriteGuard* WriteGuard::current() {
  return t_guard;
}

WriteGuard::Scope::Scope(const WriteGuard* guard) : previous_(t_guard) {
  t_guard = guard;
}

WriteGuard::Scope::~Scope() {
  t_guard = previous_;
}

}  // namespace sb
