// Parsing of legacy (magic 0/1) message sets; see legacy_message_set.h for the grammar,
// and legacy_errc.h / errc.h for what each refusal means. Kafka's own rules, which these
// follow, are in LogValidator.java (one wrapper per compressed set, one magic per set, no
// nested compression) and AbstractLegacyRecordBatch.java (inner magic = wrapper magic,
// LogAppendTime wrappers lend their timestamp to the inner messages).
#include "record/legacy_message_set.h"

#include <zlib.h>

#include "record/errc.h"
#include "record/legacy_errc.h"
#include "record/legacy_lz4.h"

namespace fjord::record {
namespace {

using namespace legacy_layout;

// One message as it is on the wire, viewing the bytes it was read from.
struct raw_message {
    int8_t magic = 0;
    int8_t attributes = 0;
    timestamp_ms timestamp = no_timestamp;
    std::optional<bytes_view> key;
    std::optional<bytes_view> value;

    int codec_id() const { return attributes & attr_codec_mask; }
    bool log_append_time() const { return magic == 1 && (attributes & attr_log_append_time) != 0; }
};

uint32_t crc32_ieee(bytes_view b) {
    return static_cast<uint32_t>(
        crc32_z(crc32_z(0, nullptr, 0), reinterpret_cast<const Bytef*>(b.data()), b.size()));
}

// A key or value at msg[pos]: int32 length (-1 = null) + data. Advances pos.
result<std::optional<bytes_view>> read_nullable_bytes(bytes_view msg, size_t& pos) {
    if (msg.size() - pos < 4) {
        return errc::bad_record;
    }
    const auto n = read_be<int32_t>(msg, pos);
    pos += 4;
    if (n == -1) {
        return std::optional<bytes_view>{};
    }
    if (n < -1 || static_cast<size_t>(n) > msg.size() - pos) {
        return errc::bad_record;
    }
    const auto data = msg.subspan(pos, static_cast<size_t>(n));
    pos += static_cast<size_t>(n);
    return std::optional<bytes_view>{data};
}

// One whole message (crc .. value). REQUIRES: msg.size() >= message_min_v0.
result<raw_message> read_message(bytes_view msg) {
    FJORD_ASSERT(msg.size() >= message_min_v0, "message of {} bytes", msg.size());
    raw_message m;
    m.magic = read_be<int8_t>(msg, 4);
    if (m.magic != 0 && m.magic != 1) {
        return errc::bad_magic;
    }
    if (m.magic == 1 && msg.size() < message_min_v1) {
        return errc::bad_record;
    }
    if (crc32_ieee(msg.subspan(4)) != read_be<uint32_t>(msg, 0)) {
        return errc::bad_crc;
    }
    m.attributes = read_be<int8_t>(msg, 5);
    size_t pos = 6;
    if (m.magic == 1) {
        m.timestamp = read_be<int64_t>(msg, pos);
        pos += 8;
    }
    auto key = read_nullable_bytes(msg, pos);
    if (!key) {
        return key.error();
    }
    auto value = read_nullable_bytes(msg, pos);
    if (!value) {
        return value.error();
    }
    if (pos != msg.size()) {
        return errc::bad_record;  // message_size says more than the message holds
    }
    m.key = *key;
    m.value = *value;
    return m;
}

// Every entry of a set, in order. An empty `set` gives no entries.
result<std::vector<raw_message>> read_entries(bytes_view set) {
    std::vector<raw_message> out;
    size_t pos = 0;
    while (pos < set.size()) {
        if (set.size() - pos < log_overhead) {
            return errc::truncated;
        }
        const auto size = read_be<int32_t>(set, pos + 8);  // the entry's offset is ignored
        pos += log_overhead;
        if (size < static_cast<int32_t>(message_min_v0)) {
            return errc::bad_record;
        }
        if (static_cast<size_t>(size) > set.size() - pos) {
            return errc::truncated;
        }
        auto m = read_message(set.subspan(pos, static_cast<size_t>(size)));
        if (!m) {
            return m.error();
        }
        pos += static_cast<size_t>(size);
        out.push_back(*m);
    }
    return out;
}

// Codec ids that a legacy message may carry: 0-3.
result<void> check_codec(const raw_message& m) {
    const int id = m.codec_id();
    if (id == static_cast<int>(compression::zstd)) {
        return legacy_errc::zstd_wrapper;
    }
    if (id > static_cast<int>(compression::zstd)) {
        return errc::unsupported_compression;
    }
    return ok();
}

// The wrapper's decompressed inner set, at most max_bytes long.
result<bytes> decompress_wrapper(const raw_message& wrapper, size_t max_bytes) {
    if (!wrapper.value) {
        return legacy_errc::null_wrapper_value;
    }
    const auto codec = static_cast<compression>(wrapper.codec_id());
    if (codec == compression::lz4 && wrapper.magic == 0) {
        bytes frame(wrapper.value->begin(), wrapper.value->end());  // no larger than the input
        (void)detail::fix_lz4_header_checksum(frame);                // KAFKA-3160
        return decompress(codec, frame, max_bytes);
    }
    return decompress(codec, *wrapper.value, max_bytes);
}

// Fills out.messages from a compressed wrapper: out.decompressed, parsed.
result<void> unwrap(const raw_message& wrapper, size_t max_bytes, legacy_message_set& out) {
    auto inner = decompress_wrapper(wrapper, max_bytes);
    if (!inner) {
        return inner.error();
    }
    out.decompressed = std::move(*inner);
    auto entries = read_entries(out.decompressed);
    if (!entries) {
        return entries.error();
    }
    if (entries->empty()) {
        return legacy_errc::empty_wrapper;
    }
    out.messages.reserve(entries->size());
    for (const auto& m : *entries) {
        if (m.magic != wrapper.magic) {
            return legacy_errc::inner_magic_mismatch;
        }
        if (m.codec_id() != 0) {
            return legacy_errc::nested_compression;
        }
        const timestamp_ms ts = wrapper.log_append_time() ? wrapper.timestamp : m.timestamp;
        out.messages.push_back({.timestamp = ts, .key = m.key, .value = m.value});
    }
    return ok();
}

// Every timestamp is no_timestamp or >= 0, and each one's distance from the first fits in
// an int64 (up_convert stores it as a delta from the first).
result<void> check_timestamps(const std::vector<legacy_message>& messages) {
    for (const auto& m : messages) {
        timestamp_ms delta = 0;
        if (m.timestamp < no_timestamp ||
            __builtin_sub_overflow(m.timestamp, messages.front().timestamp, &delta)) {
            return legacy_errc::invalid_timestamp;
        }
    }
    return ok();
}

}  // namespace

bool looks_like_legacy_set(bytes_view records) {
    if (records.size() <= legacy_layout::magic) {
        return true;
    }
    const auto magic = read_be<int8_t>(records, legacy_layout::magic);
    return magic == 0 || magic == 1;
}

result<legacy_message_set> parse_legacy_message_set(bytes_view set, size_t max_decompressed_bytes) {
    if (set.empty()) {
        return legacy_errc::empty_set;
    }
    auto top = read_entries(set);
    if (!top) {
        return top.error();
    }
    FJORD_ASSERT(!top->empty(), "a non-empty set parsed into no message");
    legacy_message_set out;
    out.magic = top->front().magic;
    bool compressed = false;
    for (const auto& m : *top) {
        if (m.magic != out.magic) {
            return legacy_errc::mixed_magic;
        }
        FJORD_TRY(check_codec(m));
        compressed = compressed || m.codec_id() != 0;
    }
    if (!compressed) {
        out.messages.reserve(top->size());
        for (const auto& m : *top) {
            out.messages.push_back({.timestamp = m.timestamp, .key = m.key, .value = m.value});
        }
        FJORD_TRY(check_timestamps(out.messages));
        return out;
    }
    if (top->size() != 1) {
        return legacy_errc::compressed_not_alone;
    }
    const raw_message& wrapper = top->front();
    out.codec = static_cast<compression>(wrapper.codec_id());
    out.ts_type = wrapper.log_append_time() ? timestamp_type::log_append_time : timestamp_type::create_time;
    FJORD_TRY(unwrap(wrapper, max_decompressed_bytes, out));
    FJORD_TRY(check_timestamps(out.messages));
    return out;
}

}  // namespace fjord::record
