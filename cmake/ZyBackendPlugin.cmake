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
  # GCC marks a library that has unique global symbols (static locals of
  # inline functions) NODELETE, and dlclose then keeps it loaded: without
  # them a plugin really unloads, as the conformance kit checks.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -fno-gnu-unique)
  endif()
  # Static libraries linked in (a vendor's SDK, or this tree's own) stay
  # private to the plugin: nothing but the entry point is exported.
  if(NOT APPLE)
    target_link_options(${target} PRIVATE -Wl,--exclude-libs,ALL)
  endif()
endfunction()
