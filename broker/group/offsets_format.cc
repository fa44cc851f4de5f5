// offsets_format: the __consumer_offsets keys and values (OffsetCommitKey/Value,
// GroupMetadataKey/Value), classic big-endian encoding, each prefixed by its int16 version.
// Byte layouts: docs/formats/consumer-offsets.md. Field order per version follows Kafka's
// group-coordinator/src/main/resources/common/message/*.json.
#include "group/offsets_format.h"

#include <utility>

#include "base/errc.h"
#include "kafka/protocol/reader.h"
#include "kafka/protocol/writer.h"
#include "record/batch.h"

namespace fjord::group {
namespace {

constexpr bool classic = false;  // every field here uses the non-flexible (non-compact) encoding

// Key versions ("record types" in Kafka's CoordinatorRecordSerde).
constexpr int16_t offset_key_v0 = 0;
constexpr int16_t offset_key_v1 = 1;  // the one we write; v0 has the same body
constexpr int16_t group_key_v2 = 2;

// Value versions we write; reading accepts 0..these.
constexpr int16_t offset_value_written = 3;
constexpr int16_t group_value_written = 3;

// Smallest encoded member in any GroupMetadataValue version (v0: three empty strings,
// session timeout, two empty byte fields).
constexpr size_t min_member_bytes = 2 + 2 + 2 + 4 + 4 + 4;

// Decompressed size bound for one offsets batch.
constexpr size_t max_decompressed_batch_bytes = size_t{64} << 20;

// Moves a successful read into `out`, or passes its error on.
template<typename T>
result<void> read_into(result<T> r, T& out) {
    if (!r) {
        return r.error();
    }
    out = std::move(*r);
    return ok();
}

result<void> expect_end(const kafka::reader& r) {
    if (r.remaining() != 0) {
        return errc::invalid_argument;  // trailing bytes: non-flexible versions have no tags
    }
    return ok();
}

result<offset_key> read_offset_key_body(kafka::reader& r) {
    offset_key k;
    FJORD_TRY(read_into(r.read_string(classic), k.group));
    FJORD_TRY(read_into(r.read_string(classic), k.topic));
    FJORD_TRY(read_into(r.read_int<int32_t>(), k.partition));
    return k;
}

// OffsetCommitValue body of `version` (0..3).
result<void> read_offset_value_body(kafka::reader& r, int16_t version, offset_value& v) {
    FJORD_TRY(read_into(r.read_int<int64_t>(), v.offset));
    if (version >= 3) {
        FJORD_TRY(read_into(r.read_int<int32_t>(), v.leader_epoch));
    }
    FJORD_TRY(read_into(r.read_string(classic), v.metadata));
    FJORD_TRY(read_into(r.read_int<int64_t>(), v.commit_timestamp));
    if (version == 1) {
        int64_t expire = -1;
        FJORD_TRY(read_into(r.read_int<int64_t>(), expire));
        v.expire_timestamp = expire;
    }
    return ok();
}

// One MemberMetadata of GroupMetadataValue `version` (0..3).
result<member_snapshot> read_member(kafka::reader& r, int16_t version) {
    member_snapshot m;
    FJORD_TRY(read_into(r.read_string(classic), m.member_id));
    if (version >= 3) {
        FJORD_TRY(read_into(r.read_nullable_string(classic), m.group_instance_id));
    }
    FJORD_TRY(read_into(r.read_string(classic), m.client_id));
    FJORD_TRY(read_into(r.read_string(classic), m.client_host));
    if (version >= 1) {
        FJORD_TRY(read_into(r.read_int<int32_t>(), m.rebalance_timeout_ms));
    }
    FJORD_TRY(read_into(r.read_int<int32_t>(), m.session_timeout_ms));
    if (version == 0) {
        m.rebalance_timeout_ms = m.session_timeout_ms;  // v0 had one timeout for both (as Kafka reads it)
    }
    FJORD_TRY(read_into(r.read_bytes(classic), m.subscription));
    FJORD_TRY(read_into(r.read_bytes(classic), m.assignment));
    return m;
}

result<void> read_group_value_body(kafka::reader& r, int16_t version, group_snapshot& g) {
    FJORD_TRY(read_into(r.read_string(classic), g.protocol_type));
    FJORD_TRY(read_into(r.read_int<int32_t>(), g.generation_id));
    FJORD_TRY(read_into(r.read_nullable_string(classic), g.protocol));
    FJORD_TRY(read_into(r.read_nullable_string(classic), g.leader));
    if (version >= 2) {
        FJORD_TRY(read_into(r.read_int<int64_t>(), g.current_state_timestamp));
    }
    int32_t count = 0;
    FJORD_TRY(read_into(r.read_array_length(classic, /*nullable=*/false, min_member_bytes), count));
    g.members.reserve(static_cast<size_t>(count));  // bounded by the reader's length check
    for (int32_t i = 0; i < count; ++i) {
        auto m = read_member(r, version);
        if (!m) {
            return m.error();
        }
        g.members.push_back(std::move(*m));
    }
    return ok();
}

void write_member(kafka::writer& w, const member_snapshot& m) {
    w.write_string(m.member_id, classic);
    w.write_nullable_string(m.group_instance_id, classic);
    w.write_string(m.client_id, classic);
    w.write_string(m.client_host, classic);
    w.write_int<int32_t>(m.rebalance_timeout_ms);
    w.write_int<int32_t>(m.session_timeout_ms);
    w.write_bytes(m.subscription, classic);
    w.write_bytes(m.assignment, classic);
}

// The value of one record, decoded as the kind its key names.
result<std::variant<offset_value, group_snapshot>> decode_value_for(const record_key& key, bytes_view value) {
    if (std::holds_alternative<offset_key>(key)) {
        auto v = decode_offset_value(value);
        if (!v) {
            return v.error();
        }
        return std::variant<offset_value, group_snapshot>{std::move(*v)};
    }
    auto g = decode_group_value(value);
    if (!g) {
        return g.error();
    }
    return std::variant<offset_value, group_snapshot>{std::move(*g)};
}

result<offsets_record> decode_record(const record::decoded_record& rec) {
    if (!rec.key) {
        return errc::invalid_argument;  // every __consumer_offsets record has a key
    }
    auto key = decode_key(*rec.key);
    if (!key) {
        return key.error();
    }
    offsets_record out{.key = std::move(*key), .value = std::nullopt};
    if (rec.value) {
        auto value = decode_value_for(out.key, *rec.value);
        if (!value) {
            return value.error();
        }
        out.value = std::move(*value);
    }
    return out;
}

}  // namespace

bytes encode_key(const offset_key& k) {
    kafka::writer w;
    w.write_int<int16_t>(offset_key_v1);
    w.write_string(k.group, classic);
    w.write_string(k.topic, classic);
    w.write_int<int32_t>(k.partition);
    return std::move(w).take();
}

bytes encode_key(const group_key& k) {
    kafka::writer w;
    w.write_int<int16_t>(group_key_v2);
    w.write_string(k.group, classic);
    return std::move(w).take();
}

bytes encode_value(const offset_value& v) {
    kafka::writer w;
    w.write_int<int16_t>(offset_value_written);
    w.write_int<int64_t>(v.offset);
    w.write_int<int32_t>(v.leader_epoch);
    w.write_string(v.metadata, classic);
    w.write_int<int64_t>(v.commit_timestamp);
    return std::move(w).take();  // expire_timestamp exists only in v1 and is not written
}

bytes encode_value(const group_snapshot& g) {
    kafka::writer w;
    w.write_int<int16_t>(group_value_written);
    w.write_string(g.protocol_type, classic);
    w.write_int<int32_t>(g.generation_id);
    w.write_nullable_string(g.protocol, classic);
    w.write_nullable_string(g.leader, classic);
    w.write_int<int64_t>(g.current_state_timestamp);
    w.write_array_length(static_cast<int64_t>(g.members.size()), classic);
    for (const auto& m : g.members) {
        write_member(w, m);
    }
    return std::move(w).take();
}

result<record_key> decode_key(bytes_view key) {
    kafka::reader r(key);
    int16_t version = 0;
    FJORD_TRY(read_into(r.read_int<int16_t>(), version));
    record_key out;
    if (version == offset_key_v0 || version == offset_key_v1) {
        auto k = read_offset_key_body(r);
        if (!k) {
            return k.error();
        }
        out = std::move(*k);
    } else if (version == group_key_v2) {
        group_key k;
        FJORD_TRY(read_into(r.read_string(classic), k.group));
        out = std::move(k);
    } else {
        return errc::invalid_argument;  // 3+: records of the new consumer-group protocol, unknown here
    }
    FJORD_TRY(expect_end(r));
    return out;
}

result<offset_value> decode_offset_value(bytes_view value) {
    kafka::reader r(value);
    int16_t version = 0;
    FJORD_TRY(read_into(r.read_int<int16_t>(), version));
    if (version < 0 || version > offset_value_written) {
        return errc::invalid_argument;
    }
    offset_value v;
    FJORD_TRY(read_offset_value_body(r, version, v));
    FJORD_TRY(expect_end(r));
    return v;
}

result<group_snapshot> decode_group_value(bytes_view value) {
    kafka::reader r(value);
    int16_t version = 0;
    FJORD_TRY(read_into(r.read_int<int16_t>(), version));
    if (version < 0 || version > group_value_written) {
        return errc::invalid_argument;
    }
    group_snapshot g;
    FJORD_TRY(read_group_value_body(r, version, g));
    FJORD_TRY(expect_end(r));
    return g;
}

result<void> for_each_offsets_record(bytes_view batch,
                                     const std::function<void(int64_t offset, offsets_record)>& fn,
                                     const std::function<void(int64_t offset, std::error_code)>& on_bad) {
    auto header = record::read_header(batch);
    if (!header) {
        return header.error();
    }
    if (header->is_control()) {
        // Transaction markers carry no offsets records; still refuse a corrupt batch.
        const record::validate_options header_only{
            .require_contiguous_offsets = false, .check_records = false, .decompress_limit_bytes = 0};
        auto v = record::validate(batch, header_only);
        return v ? ok() : result<void>(v.error());
    }
    auto records = record::decode_records(batch, max_decompressed_batch_bytes);
    if (!records) {
        return records.error();
    }
    for (const auto& rec : *records) {
        auto decoded = decode_record(rec);
        if (decoded) {
            fn(rec.abs_offset.value(), std::move(*decoded));
        } else {
            on_bad(rec.abs_offset.value(), decoded.error());
        }
    }
    return ok();
}

}  // namespace fjord::group
