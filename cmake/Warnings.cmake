# Warnings as errors for our own targets only (third-party headers are included as SYSTEM).
function(sb_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers)
endfunction()
