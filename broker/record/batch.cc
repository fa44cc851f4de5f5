// RecordBatch v2 header parsing, validation, in-place rewrites and record decoding
// (see batch.h; layout in docs/formats/record-batch.md). Record-level parsing lives in
// record_walk.{h,cc} so that validate() and decode_records() accept exactly the same bytes.
#include "record/batch.h"

#include <algorithm>
#include <limits>

#include "record/crc32c.h"
#include "record/record_walk.h"

namespace fjord::record {
namespace {

inline constexpr int16_t first_unsupported_codec = 5;  // ids 5..7 are unassigned

// Two's-complement addition without signed-overflow UB (timestamps come from the wire).
int64_t wrapping_add(int64_t a, int64_t b) {
    return static_cast<int64_t>(static_cast<uint64_t>(a) + static_cast<uint64_t>(b));
}

// The checks of validate() that need only the header.
result<void> check_header(const batch_header& h, bool require_contiguous_offsets) {
    if ((h.attributes & ~attr::known_bits) != 0) {
        return errc::bad_attributes;
    }
    if ((h.attributes & attr::compression_mask) >= first_unsupported_codec) {
        return errc::unsupported_compression;
    }
    if (h.last_offset_delta < 0) {
        return errc::bad_offset_delta;
    }
    // Invariant: base_offset + last_offset_delta + 1 fits in int64, so last_offset(),
    // next_offset() and every record's absolute offset are computable.
    if (h.base_offset.value() > std::numeric_limits<int64_t>::max() - h.last_offset_delta - 1) {
        return errc::bad_offset_delta;
    }
    if (h.records_count < 0) {
        return errc::bad_record_count;
    }
    const int64_t span = int64_t{h.last_offset_delta} + 1;
    if (require_contiguous_offsets) {
        if (h.records_count == 0 || h.records_count != span) {
            return errc::bad_record_count;
        }
    } else if (h.records_count > span) {
        return errc::bad_record_count;
    }
    if (h.is_control() && h.records_count != 1) {
        return errc::bad_attributes;
    }
    return ok();
}

detail::walk_rules rules_for(const batch_header& h, bool require_contiguous_offsets) {
    return {.records_count = h.records_count,
            .last_offset_delta = h.last_offset_delta,
            .require_contiguous_offsets = require_contiguous_offsets,
            .control = h.is_control()};
}

// The record array of a batch, decompressed when needed. `owned` keeps decompressed bytes.
// An empty record array with no records is left alone even for a compressed codec: Kafka's
// compaction writes such header-only batches.
result<bytes_view> record_array(bytes_view batch, const batch_header& h, size_t max_decompressed_bytes,
                                bytes& owned) {
    const bytes_view raw = batch.subspan(layout::records);
    if (h.compression_type() == compression::none || (raw.empty() && h.records_count == 0)) {
        return raw;
    }
    auto d = decompress(h.compression_type(), raw, max_decompressed_bytes);
    if (!d) {
        return d.error();
    }
    owned = std::move(*d);
    return bytes_view(owned);
}

}  // namespace

result<batch_header> read_header(bytes_view b) {
    if (b.size() < layout::header_size) {
        return errc::truncated;
    }
    batch_header h;
    h.magic = read_be<int8_t>(b, layout::magic);
    if (h.magic != magic_v2) {
        return errc::bad_magic;
    }
    h.batch_length = read_be<int32_t>(b, layout::batch_length);
    if (h.batch_length < static_cast<int32_t>(layout::header_size - layout::log_overhead)) {
        return errc::bad_length;
    }
    h.base_offset = offset{read_be<int64_t>(b, layout::base_offset)};
    h.partition_leader_epoch = read_be<int32_t>(b, layout::partition_leader_epoch);
    h.crc = read_be<uint32_t>(b, layout::crc);
    h.attributes = read_be<int16_t>(b, layout::attributes);
    h.last_offset_delta = read_be<int32_t>(b, layout::last_offset_delta);
    h.base_timestamp = read_be<int64_t>(b, layout::base_timestamp);
    h.max_timestamp = read_be<int64_t>(b, layout::max_timestamp);
    h.producer_id = read_be<int64_t>(b, layout::producer_id);
    h.producer_epoch = read_be<int16_t>(b, layout::producer_epoch);
    h.base_sequence = read_be<int32_t>(b, layout::base_sequence);
    h.records_count = read_be<int32_t>(b, layout::records_count);
    return h;
}

result<validated_batch> validate_and_summarize(bytes_view batch, const validate_options& opts) {
    auto h = read_header(batch);
    if (!h) {
        return h.error();
    }
    if (batch.size() < h->size_bytes()) {
        return errc::truncated;
    }
    if (batch.size() > h->size_bytes()) {
        return errc::bad_length;
    }
    if (compute_crc(batch) != h->crc) {
        return errc::bad_crc;
    }
    FJORD_TRY(check_header(*h, opts.require_contiguous_offsets));

    validated_batch out{.header = *h};
    const bool compressed = h->compression_type() != compression::none;
    const bool walk = compressed ? opts.decompress_limit_bytes > 0 : opts.check_records;
    if (walk) {
        bytes owned;
        auto records = record_array(batch, *h, opts.decompress_limit_bytes, owned);
        if (!records) {
            return records.error();
        }
        std::optional<int64_t> max_delta;
        FJORD_TRY(detail::walk_records(*records, rules_for(*h, opts.require_contiguous_offsets),
                                       [&max_delta](const detail::record_view& r) {
                                           max_delta = std::max(max_delta.value_or(r.timestamp_delta),
                                                                r.timestamp_delta);
                                       }));
        if (max_delta) {
            out.max_record_timestamp = wrapping_add(h->base_timestamp, *max_delta);
        }
    }
    return out;
}

result<batch_header> validate(bytes_view batch, const validate_options& opts) {
    auto v = validate_and_summarize(batch, opts);
    if (!v) {
        return v.error();
    }
    return v->header;
}

uint32_t compute_crc(bytes_view batch) {
    FJORD_ASSERT(batch.size() >= layout::crc_start, "batch of {} bytes has no CRC range", batch.size());
    return crc32c(batch.subspan(layout::crc_start));
}

void set_base_offset(std::span<std::byte> batch, offset base) {
    FJORD_ASSERT(batch.size() >= layout::header_size, "set_base_offset on {} bytes", batch.size());
    write_be<int64_t>(batch, layout::base_offset, base.value());
}

void set_partition_leader_epoch(std::span<std::byte> batch, int32_t epoch) {
    FJORD_ASSERT(batch.size() >= layout::header_size, "set_partition_leader_epoch on {} bytes", batch.size());
    write_be<int32_t>(batch, layout::partition_leader_epoch, epoch);
}

void set_max_timestamp(std::span<std::byte> batch, timestamp_ms ts, timestamp_type type) {
    FJORD_ASSERT(batch.size() >= layout::header_size, "set_max_timestamp on {} bytes", batch.size());
    auto attributes = read_be<int16_t>(batch, layout::attributes);
    if (type == timestamp_type::log_append_time) {
        attributes = static_cast<int16_t>(attributes | attr::timestamp_type);
    } else {
        attributes = static_cast<int16_t>(attributes & ~attr::timestamp_type);
    }
    write_be<int16_t>(batch, layout::attributes, attributes);
    write_be<int64_t>(batch, layout::max_timestamp, ts);
    recompute_crc(batch);
}

void recompute_crc(std::span<std::byte> batch) {
    FJORD_ASSERT(batch.size() >= layout::header_size, "recompute_crc on {} bytes", batch.size());
    write_be<uint32_t>(batch, layout::crc, compute_crc(batch));
}

result<std::vector<decoded_record>> decode_records(bytes_view batch, size_t max_decompressed_bytes) {
    // Stored batches may be compacted: the weaker offset rules apply.
    const validate_options header_only{
        .require_contiguous_offsets = false, .check_records = false, .decompress_limit_bytes = 0};
    auto h = validate(batch, header_only);
    if (!h) {
        return h.error();
    }
    bytes owned;
    auto records = record_array(batch, *h, max_decompressed_bytes, owned);
    if (!records) {
        return records.error();
    }
    std::vector<decoded_record> out;
    // Never reserve from the header's count alone: cap it by what the bytes can hold.
    out.reserve(std::min(static_cast<size_t>(h->records_count), records->size() / detail::min_record_bytes));
    const bool log_append = h->timestamp_kind() == timestamp_type::log_append_time;
    auto to_record = [&](const detail::record_view& r) {
        decoded_record d;
        d.abs_offset = offset{h->base_offset.value() + r.offset_delta};  // no overflow: check_header
        d.offset_delta = r.offset_delta;
        d.timestamp_delta = r.timestamp_delta;
        d.timestamp = log_append ? h->max_timestamp : wrapping_add(h->base_timestamp, r.timestamp_delta);
        if (r.key) {
            d.key = bytes(r.key->begin(), r.key->end());
        }
        if (r.value) {
            d.value = bytes(r.value->begin(), r.value->end());
        }
        d.headers = detail::decode_headers(r);
        out.push_back(std::move(d));
    };
    FJORD_TRY(detail::walk_records(*records, rules_for(*h, false), to_record));
    return out;
}

}  // namespace fjord::record
