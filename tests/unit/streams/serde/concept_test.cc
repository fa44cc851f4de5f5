// Compile-time checks: every built-in serde satisfies serde_for for its type and no
// other; the traits report value types and nullability. A failing check fails the build.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include "fjord/streams/serde/serdes.hpp"

namespace fjord::streams {
namespace {

struct no_json {};
struct not_a_message {
  bool SerializeToString(std::string*) const { return true; }
};

static_assert(serde_for<utf8, std::string>);
static_assert(serde_for<bytes, std::vector<std::byte>>);
static_assert(serde_for<be_i16, std::int16_t>);
static_assert(serde_for<be_i32, std::int32_t>);
static_assert(serde_for<be_i64, std::int64_t>);
static_assert(serde_for<be_u32, std::uint32_t>);
static_assert(serde_for<be_u64, std::uint64_t>);
static_assert(serde_for<be_float, float>);
static_assert(serde_for<be_double, double>);
static_assert(serde_for<json<std::vector<int>>, std::vector<int>>);
static_assert(serde_for<optional<utf8>, std::optional<std::string>>);
static_assert(serde_for<windowed_serde<utf8>, windowed<std::string>>);

static_assert(!serde_for<be_i32, std::string>);
static_assert(!serde_for<be_i64, std::int32_t>);
static_assert(!serde_for<utf8, std::vector<std::byte>>);
static_assert(!serde_for<optional<utf8>, std::string>);
static_assert(!serde_for<windowed_serde<utf8>, std::string>);
static_assert(!serde_for<int, int>);

// Ill-formed instantiations are rejected by the constraints, not by a hard error.
template <template <class> class S, class T>
constexpr bool instantiable = requires { typename S<T>; };
static_assert(!json_convertible<no_json>);
static_assert(!instantiable<json, no_json>);
static_assert(!protobuf_message<not_a_message>);
static_assert(!instantiable<protobuf, not_a_message>);
static_assert(!instantiable<big_endian, std::string>);
static_assert(!instantiable<big_endian, bool> && !instantiable<big_endian, char>);
static_assert(!instantiable<big_endian, long double>);

static_assert(std::is_same_v<serde_value_t<be_u32>, std::uint32_t>);
static_assert(std::is_same_v<serde_value_t<optional<be_i32>>, std::optional<std::int32_t>>);
static_assert(std::is_same_v<serde_value_t<windowed_serde<be_i64>>, windowed<std::int64_t>>);
static_assert(serde_is_nullable_v<optional<utf8>>);
static_assert(!serde_is_nullable_v<utf8>);
static_assert(!serde_is_nullable_v<windowed_serde<optional<utf8>>>);

TEST(SerdeConceptTest, StaticChecksCompiled) { SUCCEED(); }

}  // namespace
}  // namespace fjord::streams
