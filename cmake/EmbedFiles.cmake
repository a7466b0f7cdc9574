# Compiles text files (migrations, the OpenAPI document) into the binary, so a server
# installed anywhere carries its own schema and docs.
#
# sb_embed_files(OUT_CPP <file> NAMESPACE <ns> FUNCTION <fn> BASE <dir> FILES <f>...)
# generates `std::span<const sb::EmbeddedFile> <ns>::<fn>()`, ordered by relative path.
function(sb_embed_files)
  cmake_parse_arguments(E "" "OUT_CPP;NAMESPACE;FUNCTION;BASE" "FILES" ${ARGN})
  list(SORT E_FILES)
  add_custom_command(
    OUTPUT ${E_OUT_CPP}
    COMMAND ${CMAKE_COMMAND} -DOUT=${E_OUT_CPP} -DNS=${E_NAMESPACE} -DFN=${E_FUNCTION}
            -DBASE=${E_BASE} "-DFILES=${E_FILES}" -P ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${E_FILES} ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "Embedding ${E_FUNCTION}"
    VERBATIM)
endfunction()
