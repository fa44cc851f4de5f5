// batch_builder: encodes records into a RecordBatch v2 (see builder.h, and the grammar in
// docs/formats/record-batch.md). Output is what librdkafka writes for the same records and
// header fields: base_timestamp = first record's timestamp, max_timestamp = the largest
// record timestamp, record attributes 0.
#include "record/builder.h"

#include <algorithm>

#include "record/varint.h"

namespace fjord::record {
namespace {

void append_nullable(bytes& out, const std::optional<bytes>& v) {
    if (!v) {
        append_varint(out, -1);
        return;
    }
    append_varint(out, static_cast<int32_t>(v->size()));
    out.insert(out.end(), v->begin(), v->end());
}

void append_record(bytes& out, const decoded_record& r, timestamp_ms base_timestamp, bytes& body) {
    body.clear();
    body.push_back(std::byte{0});  // record attributes: unused
    // Two's-complement difference: a hostile stored batch (compaction rebuilds those) may
    // hold timestamps whose difference overflows; decoding adds it back the same way.
    append_varlong(body, static_cast<int64_t>(static_cast<uint64_t>(r.timestamp) - static_cast<uint64_t>(base_timestamp)));
    append_varint(body, r.offset_delta);
    append_nullable(body, r.key);
    append_nullable(body, r.value);
    append_varint(body, static_cast<int32_t>(r.headers.size()));
    for (const auto& h : r.headers) {
        append_varint(body, static_cast<int32_t>(h.key.size()));
        const auto k = as_bytes_view(h.key);
        body.insert(body.end(), k.begin(), k.end());
        append_nullable(body, h.value);
    }
    append_varint(out, static_cast<int32_t>(body.size()));
    out.insert(out.end(), body.begin(), body.end());
}

int16_t attributes_of(const batch_options& o) {
    int v = static_cast<int>(o.codec) & attr::compression_mask;
    if (o.ts_type == timestamp_type::log_append_time) {
        v |= attr::timestamp_type;
    }
    if (o.transactional) {
        v |= attr::transactional;
    }
    if (o.control) {
        v |= attr::control;
    }
    if (o.delete_horizon) {
        v |= attr::delete_horizon;
    }
    return static_cast<int16_t>(v);
}

}  // namespace

batch_builder::batch_builder(batch_options opts) : opts_(std::move(opts)) {}

batch_builder& batch_builder::add(int32_t offset_delta, timestamp_ms ts, std::optional<bytes> key,
                                  std::optional<bytes> value, std::vector<record_header> headers) {
    FJORD_ASSERT(offset_delta >= 0, "negative offset delta {}", offset_delta);
    FJORD_ASSERT(records_.empty() || offset_delta > records_.back().offset_delta,
                 "offset delta {} not above the previous {}", offset_delta, records_.back().offset_delta);
    decoded_record r;
    r.abs_offset = opts_.base_offset + offset_delta;
    r.timestamp = ts;
    r.offset_delta = offset_delta;
    r.timestamp_delta = 0;  // known only at build(), once base_timestamp is
    r.key = std::move(key);
    r.value = std::move(value);
    r.headers = std::move(headers);
    records_.push_back(std::move(r));
    return *this;
}

batch_builder& batch_builder::add(timestamp_ms ts, std::optional<bytes> key, std::optional<bytes> value,
                                  std::vector<record_header> headers) {
    const int32_t next = records_.empty() ? 0 : records_.back().offset_delta + 1;
    return add(next, ts, std::move(key), std::move(value), std::move(headers));
}

result<bytes> batch_builder::build() const {
    FJORD_ASSERT(!records_.empty(), "build() of an empty batch");
    const timestamp_ms base_ts = opts_.base_timestamp.value_or(records_.front().timestamp);
    timestamp_ms max_ts = records_.front().timestamp;
    for (const auto& r : records_) {
        max_ts = std::max(max_ts, r.timestamp);
    }
    const int32_t last_offset_delta = opts_.last_offset_delta.value_or(records_.back().offset_delta);
    FJORD_ASSERT(last_offset_delta >= records_.back().offset_delta,
                 "last_offset_delta {} below the last record's {}", last_offset_delta,
                 records_.back().offset_delta);

    bytes array;
    bytes body;
    for (const auto& r : records_) {
        append_record(array, r, base_ts, body);
    }
    if (opts_.codec != compression::none) {
        auto c = compress(opts_.codec, array);
        if (!c) {
            return c.error();
        }
        array = std::move(*c);
    }

    bytes out(layout::header_size);
    write_be<int64_t>(out, layout::base_offset, opts_.base_offset.value());
    write_be<int32_t>(out, layout::batch_length,
                      static_cast<int32_t>(layout::header_size + array.size() - layout::log_overhead));
    write_be<int32_t>(out, layout::partition_leader_epoch, opts_.partition_leader_epoch);
    write_be<int8_t>(out, layout::magic, magic_v2);
    write_be<int16_t>(out, layout::attributes, attributes_of(opts_));
    write_be<int32_t>(out, layout::last_offset_delta, last_offset_delta);
    write_be<int64_t>(out, layout::base_timestamp, base_ts);
    write_be<int64_t>(out, layout::max_timestamp, max_ts);
    write_be<int64_t>(out, layout::producer_id, opts_.producer_id);
    write_be<int16_t>(out, layout::producer_epoch, opts_.producer_epoch);
    write_be<int32_t>(out, layout::base_sequence, opts_.base_sequence);
    write_be<int32_t>(out, layout::records_count, static_cast<int32_t>(records_.size()));
    out.insert(out.end(), array.begin(), array.end());
    recompute_crc(out);
    return out;
}

}  // namespace fjord::record
