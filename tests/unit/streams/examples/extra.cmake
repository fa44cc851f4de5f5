target_include_directories(streams_examples_tests PRIVATE ${PROJECT_SOURCE_DIR}/streams/examples)
