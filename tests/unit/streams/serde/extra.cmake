# Compiles test_message.proto for the protobuf<M> serde test (protobuf_test.cc). The
# generated code goes to its own folder of the build tree and is linked only into
# streams_serde_tests: fjord_streams itself never depends on protobuf.
find_package(Protobuf REQUIRED)
set(serde_proto_dir ${CMAKE_CURRENT_BINARY_DIR}/serde_proto)
file(MAKE_DIRECTORY ${serde_proto_dir})
add_custom_command(
  OUTPUT ${serde_proto_dir}/test_message.pb.cc ${serde_proto_dir}/test_message.pb.h
  COMMAND protobuf::protoc --cpp_out=${serde_proto_dir} -I${CMAKE_CURRENT_LIST_DIR}
          ${CMAKE_CURRENT_LIST_DIR}/test_message.proto
  DEPENDS ${CMAKE_CURRENT_LIST_DIR}/test_message.proto protobuf::protoc
  COMMENT "protoc test_message.proto"
  VERBATIM)
target_sources(streams_serde_tests PRIVATE ${serde_proto_dir}/test_message.pb.cc)
target_include_directories(streams_serde_tests SYSTEM PRIVATE ${serde_proto_dir})
target_link_libraries(streams_serde_tests PRIVATE protobuf::libprotobuf)
