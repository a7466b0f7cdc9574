# Script mode: embeds the built console (every file under DIST, whose hashed names are
# only known after `npm run build`) through embed_files.cmake. DIST empty: no console.
set(FILES "")
if(DIST)
  file(GLOB_RECURSE FILES "${DIST}/*")
  list(SORT FILES)
  set(BASE "${DIST}")
endif()
include(${CMAKE_CURRENT_LIST_DIR}/embed_files.cmake)
