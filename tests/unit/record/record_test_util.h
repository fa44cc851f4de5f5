// Helpers for the record module's tests: a tiny fluent encoder for hand-made (often
// deliberately malformed) records, and wrap() which puts a valid header with a correct CRC
// around any record array, so each test corrupts exactly one thing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/bytes.h"
#include "record/batch.h"
#include "record/varint.h"

namespace fjord::record::test {

// Fluent byte writer: enc().i8(0).vlong(0).vint(0).vint(-1).str("v").vint(0).b
struct enc {
    bytes b;
    enc& i8(int8_t v) { b.push_back(static_cast<std::byte>(v)); return *this; }
    enc& vint(int32_t v) { append_varint(b, v); return *this; }
    enc& vlong(int64_t v) { append_varlong(b, v); return *this; }
    enc& str(std::string_view s) { auto v = as_bytes_view(s); b.insert(b.end(), v.begin(), v.end()); return *this; }
    enc& raw(bytes_view v) { b.insert(b.end(), v.begin(), v.end()); return *this; }
    enc& hex(std::initializer_list<unsigned> xs) {
        for (unsigned x : xs) b.push_back(static_cast<std::byte>(x));
        return *this;
    }
};

// A well-formed record body: attributes 0, the given deltas, key/value (nullopt = null),
// no headers.
inline bytes record_body(int32_t offset_delta, std::optional<std::string_view> key = "k",
                         std::optional<std::string_view> value = "v", int64_t ts_delta = 0) {
    enc e;
    e.i8(0).vlong(ts_delta).vint(offset_delta);
    if (key) e.vint(static_cast<int32_t>(key->size())).str(*key); else e.vint(-1);
    if (value) e.vint(static_cast<int32_t>(value->size())).str(*value); else e.vint(-1);
    e.vint(0);
    return e.b;
}

// length varint + body.
inline bytes framed(const bytes& body) { return enc().vint(static_cast<int32_t>(body.size())).raw(body).b; }

// `n` well-formed records with deltas 0..n-1.
inline bytes records(int32_t n) {
    bytes out;
    for (int32_t i = 0; i < n; ++i) {
        auto r = framed(record_body(i));
        out.insert(out.end(), r.begin(), r.end());
    }
    return out;
}

struct header_fields {
    int64_t base_offset = 0;
    int16_t attributes = 0;
    int32_t records_count = 1;
    int32_t last_offset_delta = 0;
    int64_t base_timestamp = 1'000;
    int64_t max_timestamp = 1'000;
    int64_t producer_id = -1;
};

// Puts a header (batch_length, magic 2 and CRC all correct) in front of a record array.
inline bytes wrap(const bytes& record_array, const header_fields& f) {
    bytes out(layout::header_size);
    write_be<int64_t>(out, layout::base_offset, f.base_offset);
    write_be<int32_t>(out, layout::batch_length,
                      static_cast<int32_t>(layout::header_size - layout::log_overhead + record_array.size()));
    write_be<int8_t>(out, layout::magic, magic_v2);
    write_be<int16_t>(out, layout::attributes, f.attributes);
    write_be<int32_t>(out, layout::last_offset_delta, f.last_offset_delta);
    write_be<int64_t>(out, layout::base_timestamp, f.base_timestamp);
    write_be<int64_t>(out, layout::max_timestamp, f.max_timestamp);
    write_be<int64_t>(out, layout::producer_id, f.producer_id);
    write_be<int16_t>(out, layout::producer_epoch, -1);
    write_be<int32_t>(out, layout::base_sequence, -1);
    write_be<int32_t>(out, layout::records_count, f.records_count);
    out.insert(out.end(), record_array.begin(), record_array.end());
    recompute_crc(out);
    return out;
}

// wrap() with count and last_offset_delta matching `n` contiguous records.
inline bytes wrap_n(const bytes& record_array, int32_t n, int16_t attributes = 0) {
    return wrap(record_array, {.attributes = attributes, .records_count = n, .last_offset_delta = n - 1});
}

inline bytes b(std::string_view s) { return to_bytes(s); }

}  // namespace fjord::record::test
