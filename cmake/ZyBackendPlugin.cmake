# zy_add_backend_plugin(NAME SOURCES... [OUTPUT_DIR dir]): builds
# libzy_backend_<NAME>.so, a backend plugin the runtime loads at run time
# (zy/backend.h). Only the entry point is exported. In tree and in the
# installed package alike (find_package(zy)); zy::backend_api is the ABI header.
function(zy_add_backend_plugin name)
  cmake_parse_arguments(ARG "" "OUTPUT_DIR" "SOURCES" ${ARGN})
  set(target zy_backend_${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  if(NOT ARG_OUTPUT_DIR)
    set(ARG_OUTPUT_DIR ${CMAKE_BINARY_DIR}/plugins)
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX "lib" OUTPUT_NAME "zy_backend_${name}"
    LIBRARY_OUTPUT_DIRECTORY ${ARG_OUTPUT_DIR}
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  target_link_libraries(${target} PRIVATE zy::backend_api)
endfunction()
