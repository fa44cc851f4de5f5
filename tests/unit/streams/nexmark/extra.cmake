# NEXMark tests include the example headers as "nexmark/model.hpp" / "nexmark/generator.hpp".
target_include_directories(streams_nexmark_tests PRIVATE ${PROJECT_SOURCE_DIR}/streams/examples)
