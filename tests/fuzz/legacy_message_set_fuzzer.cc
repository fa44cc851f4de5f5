// libFuzzer target for legacy (magic 0/1) message sets: parse_legacy_message_set and
// up_convert (record/legacy_message_set.h, legacy_convert.h), with a 1 MiB decompression
// bound. Invariant checked: whenever a set parses, up-conversion succeeds and yields one
// RecordBatch v2 that validate() accepts under the client-append rules and whose records
// are exactly the parsed messages (keys, values, timestamps, in order).
// Each input is also tried a second time with every top-level message's CRC-32 repaired,
// so that mutations reach the key/value and compression paths instead of stopping at the
// CRC check. Run with -malloc_limit_mb=64 (run-fuzzer does): no input may make us
// allocate more.
#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "record/batch.h"
#include "record/legacy_convert.h"
#include "record/legacy_message_set.h"

namespace {

constexpr size_t bound_bytes = 1 << 20;

bool same(const std::optional<fjord::bytes_view>& a, const std::optional<fjord::bytes>& b) {
    if (a.has_value() != b.has_value()) {
        return false;
    }
    return !a || std::equal(a->begin(), a->end(), b->begin(), b->end());
}

void run(fjord::bytes_view input) {
    using namespace fjord::record;
    (void)looks_like_legacy_set(input);
    auto set = parse_legacy_message_set(input, bound_bytes);
    if (!set) {
        return;
    }
    auto batch = up_convert(*set);
    if (!batch) {
        std::abort();  // a parsed set must always convert
    }
    auto header = validate(*batch, {.require_contiguous_offsets = true,
                                    .check_records = true,
                                    .decompress_limit_bytes = 4 * bound_bytes});
    if (!header || header->compression_type() != set->codec) {
        std::abort();  // the converted batch must be a valid client batch with the set's codec
    }
    auto records = decode_records(*batch, 4 * bound_bytes);
    if (!records || records->size() != set->messages.size()) {
        std::abort();
    }
    for (size_t i = 0; i < records->size(); ++i) {
        const auto& r = (*records)[i];
        const auto& m = set->messages[i];
        if (r.timestamp != m.timestamp || !same(m.key, r.key) || !same(m.value, r.value)) {
            std::abort();  // conversion changed a record
        }
    }
}

// Recomputes the CRC-32 of every top-level message whose size fits in the input.
fjord::bytes with_crcs_repaired(fjord::bytes_view input) {
    using namespace fjord::record::legacy_layout;
    fjord::bytes out(input.begin(), input.end());
    size_t pos = 0;
    while (out.size() - pos >= log_overhead) {
        const auto size = fjord::read_be<int32_t>(out, pos + 8);
        pos += log_overhead;
        if (size < 5 || static_cast<size_t>(size) > out.size() - pos) {
            break;
        }
        const auto* body = reinterpret_cast<const Bytef*>(out.data() + pos + 4);
        const auto crc = static_cast<uint32_t>(crc32_z(crc32_z(0, nullptr, 0), body, static_cast<size_t>(size) - 4));
        fjord::write_be<uint32_t>(out, pos, crc);
        pos += static_cast<size_t>(size);
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const fjord::bytes_view input(reinterpret_cast<const std::byte*>(data), size);
    run(input);
    run(with_crcs_repaired(input));
    return 0;
}
