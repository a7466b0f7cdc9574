# Warnings as errors for our own targets only (third-party headers are included as SYSTEM).
function(sb_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-unused-parameter
                                           -Wno-missing-field-initializers)
  # GCC 12 reports std::string internals as overflows/overreads at -O2/-O3 (GCC bugs 105329, 105651):
  # false positives in libstdc++ code, not ours.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
    target_compile_options(${target} PRIVATE -Wno-stringop-overflow -Wno-stringop-overread -Wno-array-bounds
                                             -Wno-restrict)
  endif()
endfunction()
