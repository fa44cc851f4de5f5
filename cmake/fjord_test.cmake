# fjord_unit_test(NAME module SOURCES ... LIBS ...)
# Builds one GoogleTest executable for a module and registers every test in it with
# ctest as `<module>.<Suite>.<Test><FJORD_TEST_SUFFIX>`, so `ctest -R '^storage\.'`
# selects one module across every build flavour.
function(fjord_unit_test module)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  set(target ${module}_unit_tests)
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${target} PRIVATE FJORD_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data")
  gtest_discover_tests(${target}
    TEST_PREFIX "${module}."
    TEST_SUFFIX "${FJORD_TEST_SUFFIX}"
    DISCOVERY_TIMEOUT 60
    PROPERTIES TIMEOUT 600)
endfunction()
