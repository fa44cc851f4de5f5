// libFuzzer target for RecordBatch v2 parsing: read_header, validate (client-append and
// compacted rules, compressed records walked with a 1 MiB bound) and decode_records (1 MiB
// bound). Invariant checked: whenever validate accepts a batch, decode_records accepts it
// too and yields exactly records_count records (validate's rules are the stricter ones).
// Each input is also tried a second time with batchLength and the CRC repaired, so that
// mutations reach the record parser instead of stopping at the CRC check.
// Run with -malloc_limit_mb=64 (run-fuzzer does): no input may make us allocate more.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>

#include "record/batch.h"

namespace {

constexpr size_t bound_bytes = 1 << 20;

void check_agreement(fjord::bytes_view input, const fjord::result<fjord::record::batch_header>& validated) {
    if (!validated) {
        return;
    }
    auto decoded = fjord::record::decode_records(input, bound_bytes);
    if (!decoded || decoded->size() != static_cast<size_t>(validated->records_count)) {
        std::abort();  // validate accepted what decode_records rejects or miscounts
    }
}

void run_all(fjord::bytes_view input) {
    using namespace fjord::record;

    (void)read_header(input);
    check_agreement(input, validate(input, {.require_contiguous_offsets = true,
                                            .check_records = true,
                                            .decompress_limit_bytes = bound_bytes}));
    check_agreement(input, validate(input, {.require_contiguous_offsets = false,
                                            .check_records = true,
                                            .decompress_limit_bytes = bound_bytes}));
    (void)validate(input, {.require_contiguous_offsets = true, .check_records = false});
    (void)decode_records(input, bound_bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace fjord::record;
    const fjord::bytes_view input(reinterpret_cast<const std::byte*>(data), size);
    run_all(input);

    // The same bytes with a consistent batchLength and a correct CRC.
    if (size >= layout::header_size && size - layout::log_overhead <= std::numeric_limits<int32_t>::max()) {
        fjord::bytes fixed(input.begin(), input.end());
        fjord::write_be<int32_t>(fixed, layout::batch_length, static_cast<int32_t>(size - layout::log_overhead));
        recompute_crc(fixed);
        run_all(fixed);
    }
    return 0;
}
