# fjord_unit_test(module [TARGET name] SOURCES ... LIBS ...)
# Builds one GoogleTest executable for a module and registers every test in it with
# ctest as `<module>.<Suite>.<Test><FJORD_TEST_SUFFIX>`, so `ctest -R '^storage\.'`
# selects one module across every build flavour.
#
# TARGET names the executable when a module has several (default `<module>_unit_tests`).
function(fjord_unit_test module)
  cmake_parse_arguments(ARG "" "TARGET" "SOURCES;LIBS" ${ARGN})
  set(target ${module}_unit_tests)
  if(ARG_TARGET)
    set(target ${ARG_TARGET})
  endif()
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${target} PRIVATE FJORD_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data")
  gtest_discover_tests(${target}
    TEST_PREFIX "${module}."
    TEST_SUFFIX "${FJORD_TEST_SUFFIX}"
    DISCOVERY_TIMEOUT 60
    PROPERTIES TIMEOUT 600)
endfunction()

# fjord_process_tests(PREFIX SCRIPT name...)
# Registers ctest `<PREFIX>.<name>` running `/usr/bin/python3 SCRIPT --broker PATH
# [--fjord PATH] <name>` (tests/integration/harness.py parses that), for tests that start
# real fjord-broker processes. Release flavour only: callers skip it under the sanitizers.
# Debian's Kafka clients import only under /usr/bin/python3, hence the explicit path.
function(fjord_process_tests prefix script)
  set(tool_args --broker $<TARGET_FILE:fjord-broker>)
  if(TARGET fjord)
    list(APPEND tool_args --fjord $<TARGET_FILE:fjord>)
  endif()
  foreach(name ${ARGN})
    add_test(NAME ${prefix}.${name}${FJORD_TEST_SUFFIX}
      COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/${script} ${tool_args} ${name}
      WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
    set_tests_properties(${prefix}.${name}${FJORD_TEST_SUFFIX} PROPERTIES
      TIMEOUT 180 ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1;PYTHONPATH=${PROJECT_SOURCE_DIR}/tests/integration")
  endforeach()
endfunction()
