// One fuzz target per *_fuzz.cpp file. Built for libFuzzer (`./dev fuzz`, SB_LIBFUZZER) a
// target is LLVMFuzzerTestOneInput; in the normal test build every target is linked into
// unit_tests, which runs each checked-in input through it (tests/unit/fuzz_corpus_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "model/error.h"

namespace sb::fuzz {

using Target = int (*)(const std::uint8_t* data, std::size_t size);

// Targets by name (replay build only).
std::map<std::string, Target>& targets();
bool register_target(const char* name, Target target);

inline std::string_view text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// A property the code promises for every input: abort (a crash libFuzzer keeps) if not.
[[noreturn]] inline void violated(const char* what, const char* file, int line) {
  std::fprintf(stderr, "fuzz invariant violated at %s:%d: %s\n", file, line, what);
  std::abort();
}

// Refusing input is the point; refusing it as a server fault (500/503) is a bug.
inline void expect_client_error(const Error& e) {
  if (e.code() == ErrorCode::kInternal || e.code() == ErrorCode::kUnavailable) {
    std::fprintf(stderr, "input refused as a server fault: %s\n", e.what());
    std::abort();
  }
}

}  // namespace sb::fuzz

#define SB_FUZZ_CHECK(cond) ((cond) ? (void)0 : ::sb::fuzz::violated(#cond, __FILE__, __LINE__))

#ifdef SB_LIBFUZZER
#define SB_FUZZ_TARGET(name) \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
#else
#define SB_FUZZ_TARGET(name)                                             \
  static int sb_fuzz_##name(const std::uint8_t* data, std::size_t size); \
  [[maybe_unused]] static const bool sb_fuzz_registered_##name =         \
      ::sb::fuzz::register_target(#name, sb_fuzz_##name);                \
  static int sb_fuzz_##name(const std::uint8_t* data, std::size_t size)
#endif
