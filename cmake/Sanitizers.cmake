# SB_SANITIZE=ON: AddressSanitizer + UndefinedBehaviorSanitizer for every target built here,
# plugins included (`./dev test --asan`). Undefined behaviour aborts instead of printing and
# going on, so a test run cannot pass over it. No vptr check: it needs the typeinfo of
# library classes SOCI does not export (ref_counted_statement), and the link fails.
option(SB_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(SB_SANITIZE)
  set(SB_SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize=vptr -fno-sanitize-recover=all
                        -fno-omit-frame-pointer)
  add_compile_options(${SB_SANITIZE_FLAGS})
  # GCC's flow analysis sees sanitizer instrumentation as possible uninitialised reads in
  # libstdc++ (std::regex, std::function): false positives, as GCC's manual warns.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    add_compile_options(-Wno-maybe-uninitialized)
  endif()
  add_link_options(${SB_SANITIZE_FLAGS})
endif()
