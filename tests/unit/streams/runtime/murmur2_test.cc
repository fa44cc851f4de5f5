// Unit tests: the key partitioner matches Kafka's Java client (Utils.murmur2 and
// toPositive(murmur2) % n), so our output co-partitions with Java producers and with
// librdkafka's murmur2 partitioner.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "fjord/streams/processor/record_collector.hpp"

namespace fs = fjord::streams;

namespace {

// apache/kafka clients/src/test/java/org/apache/kafka/common/utils/UtilsTest.java, testMurmur2.
TEST(RuntimePartitioner, Murmur2MatchesKafkaUtilsTestVectors) {
  const std::pair<std::string, std::int32_t> cases[] = {
      {"21", -973932308},
      {"foobar", -790332482},
      {"a-little-bit-long-string", -985981536},
      {"a-little-bit-longer-string", -1486304829},
      {"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971},
      {"abc", 479470107},
  };
  for (const auto& [in, want] : cases) {
    EXPECT_EQ(static_cast<std::int32_t>(fs::murmur2(in)), want) << in;
  }
}

TEST(RuntimePartitioner, PartitionIsPositiveHashModuloCount) {
  // toPositive(-973932308) = -973932308 & 0x7fffffff = 1173551340
  EXPECT_EQ(fs::partition_for_key("21", 4), static_cast<std::int32_t>(1173551340u % 4));
  EXPECT_EQ(fs::partition_for_key("21", 7), static_cast<std::int32_t>(1173551340u % 7));
  EXPECT_EQ(fs::partition_for_key("abc", 10), 479470107 % 10);
  for (int n = 1; n <= 16; ++n) {
    const auto p = fs::partition_for_key("key-" + std::to_string(n), n);
    EXPECT_GE(p, 0);
    EXPECT_LT(p, n);
  }
}

}  // namespace
