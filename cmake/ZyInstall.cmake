# `cmake --install build` lays out what users and vendors need:
#   bin/           zy-run, zy-bench, zy-backend-cts (and zy-compile when built)
#   include/zy/    the C API and the backend ABI
#   lib/zy/plugins libzy_backend_npu-sim.so
#   lib/cmake/zy   find_package(zy): zy::backend_api and zy_add_backend_plugin()
include(CMakePackageConfigHelpers)
install(FILES runtime/include/zy/zy.h runtime/include/zy/zy.hpp runtime/include/zy/types.h runtime/include/zy/backend.h
        DESTINATION include/zy)
install(TARGETS zy-run zy-bench zy-backend-cts RUNTIME DESTINATION bin)
if(TARGET zy-compile)
  install(TARGETS zy-compile RUNTIME DESTINATION bin)
endif()
install(TARGETS zy_backend_npu-sim LIBRARY DESTINATION lib/zy/plugins)
install(TARGETS zy_backend_api EXPORT zyTargets)
install(EXPORT zyTargets NAMESPACE zy:: DESTINATION lib/cmake/zy)
configure_package_config_file(cmake/zyConfig.cmake.in ${CMAKE_BINARY_DIR}/zyConfig.cmake INSTALL_DESTINATION lib/cmake/zy)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/zyConfigVersion.cmake VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_BINARY_DIR}/zyConfig.cmake ${CMAKE_BINARY_DIR}/zyConfigVersion.cmake cmake/ZyBackendPlugin.cmake
        DESTINATION lib/cmake/zy)
