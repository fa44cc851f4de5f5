#include "cluster/cluster_state.h"

#include "cluster/errc.h"
#include "record/crc32c.h"

namespace fjord::cluster {
namespace {

constexpr uint32_t format_version = 1;
constexpr size_t prefix_size = 16;

void put_str(bytes& out, const std::string& s) {
    append_be<uint16_t>(out, static_cast<uint16_t>(s.size()));
    auto v = as_bytes_view(s);
    out.insert(out.end(), v.begin(), v.end());
}

class cursor {
public:
    explicit cursor(bytes_view b) : b_(b) {}
    template<typename T>
    result<T> get() {
        if (b_.size() - pos_ < sizeof(T)) {
            return errc::corrupt_state;
        }
        T v = read_be<T>(b_, pos_);
        pos_ += sizeof(T);
        return v;
    }
    result<std::string> str() {
        auto n = get<uint16_t>();
        if (!n || b_.size() - pos_ < *n) {
            return errc::corrupt_state;
        }
        std::string s(as_string_view(b_.subspan(pos_, *n)));
        pos_ += *n;
        return s;
    }
    bool done() const { return pos_ == b_.size(); }

private:
    bytes_view b_;
    size_t pos_ = 0;
};

#define FJORD_GET(var, expr)     \
    auto var##_r = (expr);       \
    if (!var##_r) {              \
        return var##_r.error();  \
    }                            \
    auto var = *var##_r

}  // namespace

bytes encode_cluster_state(const cluster_state& s) {
    bytes body;
    put_str(body, s.cluster_id);
    append_be<int64_t>(body, s.next_producer_id);
    append_be<uint32_t>(body, static_cast<uint32_t>(s.topics.size()));
    for (const auto& [name, t] : s.topics) {
        put_str(body, name);
        append_be<int32_t>(body, t.partitions);
        append_be<int16_t>(body, t.replication_factor);
        append_be<uint32_t>(body, static_cast<uint32_t>(t.configs.size()));
        for (const auto& [k, v] : t.configs) {
            put_str(body, k);
            put_str(body, v);
        }
    }
    bytes out = to_bytes("FJCS");
    append_be<uint32_t>(out, format_version);
    append_be<uint32_t>(out, static_cast<uint32_t>(body.size()));
    append_be<uint32_t>(out, record::crc32c(body));
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

result<cluster_state> decode_cluster_state(bytes_view data) {
    if (data.size() < prefix_size || as_string_view(data.subspan(0, 4)) != "FJCS" ||
        read_be<uint32_t>(data, 4) != format_version) {
        return errc::corrupt_state;
    }
    const uint32_t body_len = read_be<uint32_t>(data, 8);
    const uint32_t crc = read_be<uint32_t>(data, 12);
    if (data.size() - prefix_size != body_len) {
        return errc::corrupt_state;
    }
    bytes_view body = data.subspan(prefix_size);
    if (record::crc32c(body) != crc) {
        return errc::corrupt_state;
    }
    cursor c(body);
    cluster_state s;
    FJORD_GET(id, c.str());
    s.cluster_id = std::move(id);
    FJORD_GET(pid, c.get<int64_t>());
    s.next_producer_id = pid;
    FJORD_GET(count, c.get<uint32_t>());
    for (uint32_t i = 0; i < count; ++i) {
        topic_entry t;
        FJORD_GET(name, c.str());
        t.name = std::move(name);
        FJORD_GET(parts, c.get<int32_t>());
        t.partitions = parts;
        FJORD_GET(rf, c.get<int16_t>());
        t.replication_factor = rf;
        FJORD_GET(ncfg, c.get<uint32_t>());
        for (uint32_t j = 0; j < ncfg; ++j) {
            FJORD_GET(k, c.str());
            FJORD_GET(v, c.str());
            t.configs[std::move(k)] = std::move(v);
        }
        s.topics[t.name] = std::move(t);
    }
    if (!c.done()) {
        return errc::corrupt_state;
    }
    return s;
}

}  // namespace fjord::cluster
