// Round trips for every API message, request and response, at every version we serve.
//
// fill_sample (generated from the same schema) sets every field present at a version to a
// non-default value; the property is encode -> decode -> equal, then encode again ->
// identical bytes. The golden tests (golden_test.cc) pin the bytes themselves.
#include <gtest/gtest.h>

#include <tuple>

#include "kafka/protocol/samples.h"
#include "test_util.h"

namespace fjord::kafka {
namespace {

template<typename Tuple>
struct to_types;
template<typename... Ts>
struct to_types<std::tuple<Ts...>> {
    using type = ::testing::Types<Ts...>;
};
using message_types = to_types<testing::all_messages>::type;

struct message_name_generator {
    template<typename T>
    static std::string GetName(int) {
        return std::string(T::message_name);
    }
};

template<typename T>
class RoundTrip : public ::testing::Test {};
TYPED_TEST_SUITE(RoundTrip, message_types, message_name_generator);

template<typename T>
bytes encode_at(const T& m, int16_t version) {
    writer w;
    m.encode(w, version);
    return std::move(w).take();
}

TYPED_TEST(RoundTrip, EveryVersionDecodesToEqualAndReencodesToSameBytes) {
    using T = TypeParam;
    for (int16_t v = T::version_min; v <= T::version_max; ++v) {
        for (int seed = 0; seed < 3; ++seed) {
            SCOPED_TRACE("version " + std::to_string(v) + " seed " + std::to_string(seed));
            T m;
            testing::fill_sample(m, v, seed);
            bytes first = encode_at(m, v);
            reader r(first);
            auto decoded = T::decode(r, v);
            ASSERT_TRUE(decoded) << decoded.error().message() << "\n" << test::hex(first);
            EXPECT_EQ(r.remaining(), 0u);
            EXPECT_TRUE(*decoded == m);
            EXPECT_EQ(encode_at(*decoded, v), first);
        }
    }
}

TYPED_TEST(RoundTrip, SamplesDifferFromDefaultsSoEveryFieldIsExercised) {
    using T = TypeParam;
    for (int16_t v = T::version_min; v <= T::version_max; ++v) {
        const bool flexible = T::flexible_version_min >= 0 && v >= T::flexible_version_min;
        if (T::min_size(v) == (flexible ? 1u : 0u)) {
            continue;  // no fields at this version, only a tag buffer if flexible (ApiVersions
                       // request v0-2, ListGroups request v0-3)
        }
        T m;
        testing::fill_sample(m, v, 0);
        EXPECT_FALSE(m == T{}) << "version " << v;
    }
}

TYPED_TEST(RoundTrip, TruncatedAtEveryByteFails) {
    using T = TypeParam;
    for (int16_t v = T::version_min; v <= T::version_max; ++v) {
        T m;
        testing::fill_sample(m, v, 0);
        bytes full = encode_at(m, v);
        for (size_t len = 0; len < full.size(); ++len) {
            reader r(bytes_view(full).first(len));
            auto decoded = T::decode(r, v);
            ASSERT_FALSE(decoded) << "version " << v << " decoded from " << len << " of " << full.size() << " bytes";
            EXPECT_EQ(&decoded.error().category(), &kafka_protocol_category());
        }
    }
}

TYPED_TEST(RoundTrip, VersionsOutsideTheRangeAreUnsupported) {
    using T = TypeParam;
    bytes big(64, std::byte{0});
    for (int v : {T::version_min - 1, T::version_max + 1}) {
        reader r(big);
        auto decoded = T::decode(r, static_cast<int16_t>(v));
        ASSERT_FALSE(decoded);
        EXPECT_EQ(decoded.error(), errc::unsupported_version);
    }
}

TYPED_TEST(RoundTrip, MinSizeIsAtMostTheSmallestEncoding) {
    using T = TypeParam;
    for (int16_t v = T::version_min; v <= T::version_max; ++v) {
        T m;
        testing::fill_sample(m, v, 0);
        EXPECT_LE(T::min_size(v), encode_at(m, v).size()) << "version " << v;
    }
}

}  // namespace
}  // namespace fjord::kafka
