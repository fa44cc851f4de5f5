// Legacy set -> RecordBatch v2 through batch_builder; see legacy_convert.h for the mapping.
#include "record/legacy_convert.h"

#include "record/builder.h"

namespace fjord::record {
namespace {

std::optional<bytes> copy_of(const std::optional<bytes_view>& v) {
    if (!v) {
        return std::nullopt;
    }
    return bytes(v->begin(), v->end());
}

}  // namespace

result<bytes> up_convert(const legacy_message_set& set) {
    FJORD_ASSERT(!set.messages.empty(), "up_convert of an empty legacy set");
    batch_builder b({.codec = set.codec, .ts_type = set.ts_type});
    for (const auto& m : set.messages) {
        b.add(m.timestamp, copy_of(m.key), copy_of(m.value));
    }
    return b.build();
}

result<bytes> convert_legacy_message_set(bytes_view set, size_t max_decompressed_bytes) {
    auto parsed = parse_legacy_message_set(set, max_decompressed_bytes);
    if (!parsed) {
        return parsed.error();
    }
    return up_convert(*parsed);
}

}  // namespace fjord::record
