// Compiled on its own by the ctest streams.Umbrella.CompilesAlone: the umbrella header
// must need nothing but the Debian packages (RocksDB, librdkafka, nlohmann-json) and the
// streams include directory.
#include <fjord/streams.hpp>

int main() {
  fjord::streams::topology t{"umbrella"};
  const fjord::streams::topic<std::string, std::string, fjord::streams::utf8, fjord::streams::utf8> in{"in"};
  t.stream(in).filter([](const std::string& v) { return !v.empty(); }).to(in);
  return t.blueprint().nodes().size() == 3 ? 0 : 1;
}
