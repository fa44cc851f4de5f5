// Private to fjord_record: parsing the records inside a batch's (decompressed) record
// array, shared by validate() and decode_records() so both accept exactly the same bytes.
//
// Record grammar (docs/formats/record-batch.md):
//   record   := length:varint body            ; body is exactly `length` bytes
//   body     := attributes:int8 timestampDelta:varlong offsetDelta:varint
//               keyLength:varint key valueLength:varint value
//               headersCount:varint header*
//   header   := keyLength:varint key valueLength:varint value
// Lengths of -1 mean null (record key, record value, header value); header keys and
// headersCount are never negative.
//
// Invariant: every length is checked against the bytes remaining in its record before
// anything is sized from it; read_record() never allocates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "base/bytes.h"
#include "base/result.h"
#include "record/batch.h"

namespace fjord::record::detail {

// The smallest possible record: length, attributes, timestamp delta, offset delta, key
// length, value length and header count, one byte each.
inline constexpr size_t min_record_bytes = 7;
// The smallest header: key length 0 and value length -1 (or 0), one byte each.
inline constexpr size_t min_header_bytes = 2;
// A control record's key: version int16 + type int16.
inline constexpr size_t min_control_key_bytes = 4;

// One record, viewing the bytes it was parsed from.
struct record_view {
    int8_t attributes = 0;
    int64_t timestamp_delta = 0;
    int32_t offset_delta = 0;
    std::optional<bytes_view> key;
    std::optional<bytes_view> value;
    int32_t header_count = 0;
    bytes_view headers;  // header_count encoded headers, already validated
};

// Parses and fully validates the record starting at buf[pos]; advances pos past it.
// Errors: bad_varint, bad_record.
result<record_view> read_record(bytes_view buf, size_t& pos);

// Decodes the headers of a record returned by read_record (which validated them).
std::vector<record_header> decode_headers(const record_view& r);

// What the records of one batch must satisfy, taken from its (checked) header.
struct walk_rules {
    int32_t records_count = 0;
    int32_t last_offset_delta = 0;
    bool require_contiguous_offsets = true;  // deltas exactly 0..n-1, else strictly increasing
    bool control = false;                    // the single record must carry a control key
};

// Walks all records_count records of `records`, calling on_record(const record_view&) for
// each. Errors: bad_record_count (fewer records than counted), bad_offset_delta,
// bad_attributes (malformed control record), trailing_bytes, and read_record's.
template<typename F>
result<void> walk_records(bytes_view records, const walk_rules& rules, F&& on_record);

result<void> check_record_against(const record_view& r, int32_t index, int32_t previous_delta,
                                  const walk_rules& rules);

template<typename F>
result<void> walk_records(bytes_view records, const walk_rules& rules, F&& on_record) {
    if (records.size() / min_record_bytes < static_cast<size_t>(rules.records_count)) {
        return errc::bad_record_count;  // not even room for that many minimal records
    }
    size_t pos = 0;
    int32_t previous_delta = -1;
    for (int32_t i = 0; i < rules.records_count; ++i) {
        if (pos == records.size()) {
            return errc::bad_record_count;
        }
        auto r = read_record(records, pos);
        if (!r) {
            return r.error();
        }
        FJORD_TRY(check_record_against(*r, i, previous_delta, rules));
        previous_delta = r->offset_delta;
        on_record(*r);
    }
    if (pos != records.size()) {
        return errc::trailing_bytes;
    }
    return ok();
}

}  // namespace fjord::record::detail
