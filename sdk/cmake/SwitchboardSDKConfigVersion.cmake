# The SDK's version is the plugin API version, read from plugin.h so the two never drift: a
# request for the same major, no newer minor than this one, is compatible.
set(_sb_header "${CMAKE_CURRENT_LIST_DIR}/../include/switchboard/plugin.h")
if(NOT EXISTS "${_sb_header}")
  set(_sb_header "${CMAKE_CURRENT_LIST_DIR}/../../../include/switchboard/plugin.h")
endif()
file(STRINGS "${_sb_header}" _sb_major REGEX "^#define SB_PLUGIN_API_MAJOR [0-9]+")
file(STRINGS "${_sb_header}" _sb_minor REGEX "^#define SB_PLUGIN_API_MINOR [0-9]+")
string(REGEX REPLACE ".* ([0-9]+)$" "\\1" _sb_major "${_sb_major}")
string(REGEX REPLACE ".* ([0-9]+)$" "\\1" _sb_minor "${_sb_minor}")
set(PACKAGE_VERSION "${_sb_major}.${_sb_minor}")
if(PACKAGE_FIND_VERSION_MAJOR STREQUAL "" OR
   (PACKAGE_FIND_VERSION_MAJOR EQUAL _sb_major AND
    PACKAGE_FIND_VERSION VERSION_LESS_EQUAL PACKAGE_VERSION))
  set(PACKAGE_VERSION_COMPATIBLE TRUE)
  if(PACKAGE_FIND_VERSION VERSION_EQUAL PACKAGE_VERSION)
    set(PACKAGE_VERSION_EXACT TRUE)
  endif()
else()
  set(PACKAGE_VERSION_COMPATIBLE FALSE)
endif()
