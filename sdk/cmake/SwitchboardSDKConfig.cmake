# find_package(SwitchboardSDK) for plugin projects: the Switchboard::sdk target (headers
# only) and switchboard_add_plugin(<name> <sources>...), which builds a loadable module the
# way the server expects: no "lib" prefix, hidden symbols except sb_plugin_init.
# Works from an install prefix (lib/cmake/SwitchboardSDK) and from the source tree (sdk/cmake).
if(EXISTS "${CMAKE_CURRENT_LIST_DIR}/../include/switchboard/plugin.h")
  get_filename_component(SWITCHBOARD_SDK_INCLUDE_DIR "${CMAKE_CURRENT_LIST_DIR}/../include" ABSOLUTE)
else()
  get_filename_component(SWITCHBOARD_SDK_INCLUDE_DIR "${CMAKE_CURRENT_LIST_DIR}/../../../include"
                         ABSOLUTE)
endif()
if(NOT EXISTS "${SWITCHBOARD_SDK_INCLUDE_DIR}/switchboard/plugin.h")
  set(SwitchboardSDK_FOUND FALSE)
  set(SwitchboardSDK_NOT_FOUND_MESSAGE "switchboard/plugin.h not found near ${CMAKE_CURRENT_LIST_DIR}")
  return()
endif()

if(NOT TARGET Switchboard::sdk)
  add_library(Switchboard::sdk INTERFACE IMPORTED)
  set_target_properties(Switchboard::sdk PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${SWITCHBOARD_SDK_INCLUDE_DIR}"
    INTERFACE_COMPILE_FEATURES cxx_std_17)
endif()

# SWITCHBOARD_PLUGIN_OUTPUT_DIR, when set, is where the .so files go (a plugins directory).
function(switchboard_add_plugin name)
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE Switchboard::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    C_VISIBILITY_PRESET hidden
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(SWITCHBOARD_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${SWITCHBOARD_PLUGIN_OUTPUT_DIR}")
  endif()
endfunction()
