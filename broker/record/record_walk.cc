// Record parsing and per-record rules shared by validate() and decode_records()
// (see record_walk.h for the grammar and the invariants).
#include "record/record_walk.h"

#include "record/varint.h"

namespace fjord::record::detail {
namespace {

// Reads a length field: -1 (null) when nullable, else 0..bytes remaining in `end`.
result<std::optional<bytes_view>> read_sized(bytes_view buf, size_t& pos, size_t end, bool nullable) {
    auto len = read_varint(buf.first(end), pos);
    if (!len) {
        return len.error();
    }
    if (*len == -1 && nullable) {
        return std::optional<bytes_view>{};
    }
    if (*len < 0 || static_cast<size_t>(*len) > end - pos) {
        return errc::bad_record;
    }
    auto v = buf.subspan(pos, static_cast<size_t>(*len));
    pos += static_cast<size_t>(*len);
    return std::optional<bytes_view>{v};
}

}  // namespace

result<record_view> read_record(bytes_view buf, size_t& pos) {
    size_t p = pos;
    auto length = read_varint(buf, p);
    if (!length) {
        return length.error();
    }
    if (*length < 0 || static_cast<size_t>(*length) > buf.size() - p) {
        return errc::bad_record;  // negative, or longer than what is left of the batch
    }
    const size_t end = p + static_cast<size_t>(*length);
    const bytes_view body = buf.first(end);

    record_view r;
    if (p >= end) {
        return errc::bad_record;
    }
    r.attributes = read_be<int8_t>(body, p);
    p += 1;
    auto ts = read_varlong(body, p);
    if (!ts) {
        return ts.error();
    }
    r.timestamp_delta = *ts;
    auto od = read_varint(body, p);
    if (!od) {
        return od.error();
    }
    r.offset_delta = *od;
    auto key = read_sized(body, p, end, true);
    if (!key) {
        return key.error();
    }
    r.key = *key;
    auto value = read_sized(body, p, end, true);
    if (!value) {
        return value.error();
    }
    r.value = *value;
    auto count = read_varint(body, p);
    if (!count) {
        return count.error();
    }
    if (*count < 0 || static_cast<size_t>(*count) > (end - p) / min_header_bytes) {
        return errc::bad_record;
    }
    r.header_count = *count;
    const size_t headers_start = p;
    for (int32_t i = 0; i < r.header_count; ++i) {
        auto hk = read_sized(body, p, end, false);
        if (!hk) {
            return hk.error();
        }
        auto hv = read_sized(body, p, end, true);
        if (!hv) {
            return hv.error();
        }
    }
    // Invariant: the record consumed exactly its declared length.
    if (p != end) {
        return errc::bad_record;
    }
    r.headers = body.subspan(headers_start, end - headers_start);
    pos = end;
    return r;
}

std::vector<record_header> decode_headers(const record_view& r) {
    std::vector<record_header> out;
    out.reserve(static_cast<size_t>(r.header_count));
    size_t p = 0;
    for (int32_t i = 0; i < r.header_count; ++i) {
        auto k = read_sized(r.headers, p, r.headers.size(), false);
        FJORD_ASSERT(k && k->has_value(), "header {} of a validated record fails to parse", i);
        auto v = read_sized(r.headers, p, r.headers.size(), true);
        FJORD_ASSERT(v.has_value(), "header {} value of a validated record fails to parse", i);
        record_header h{.key = std::string(as_string_view(**k))};
        if (v->has_value()) {
            h.value = bytes((*v)->begin(), (*v)->end());
        }
        out.push_back(std::move(h));
    }
    return out;
}

result<void> check_record_against(const record_view& r, int32_t index, int32_t previous_delta,
                                  const walk_rules& rules) {
    if (rules.require_contiguous_offsets) {
        if (r.offset_delta != index) {
            return errc::bad_offset_delta;
        }
    } else if (r.offset_delta <= previous_delta || r.offset_delta > rules.last_offset_delta) {
        return errc::bad_offset_delta;  // previous_delta starts at -1, so this also rejects < 0
    }
    if (rules.control && (!r.key || r.key->size() < min_control_key_bytes)) {
        return errc::bad_attributes;
    }
    return ok();
}

}  // namespace fjord::record::detail
