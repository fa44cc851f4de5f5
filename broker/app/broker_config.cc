// build_config: merge, validate against the key table, convert to typed settings.
#include "app/broker_config.h"

#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "app/config_keys.h"

namespace fjord::app {

namespace {

using values = std::map<std::string, std::string, std::less<>>;

std::string unknown_key_message(const std::string& key, const std::string& where) {
    return fmt::format("unknown configuration key '{}'{} (did you mean '{}'?); see docs/operations.md", key, where,
                       closest_key(key));
}

std::optional<std::string> check_value(const config_key& k, const std::string& v) {
    switch (k.type) {
    case key_type::integer: {
        int64_t n = 0;
        auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
        if (ec != std::errc() || p != v.data() + v.size()) {
            return fmt::format("{}={}: expected an integer", k.name, v);
        }
        if (n < k.min || n > k.max) {
            return fmt::format("{}={}: must be between {} and {}", k.name, v, k.min, k.max);
        }
        return std::nullopt;
    }
    case key_type::boolean:
        if (v != "true" && v != "false") {
            return fmt::format("{}={}: expected true or false", k.name, v);
        }
        return std::nullopt;
    case key_type::list:
    case key_type::string:
        return std::nullopt;
    }
    return std::nullopt;
}

int64_t int_of(const values& vals, std::string_view key) {
    const auto& v = vals.find(key)->second;
    int64_t n = 0;
    std::from_chars(v.data(), v.data() + v.size(), n);
    return n;
}

bool is_set(const values& vals, std::string_view key) {
    return !vals.find(key)->second.empty();
}

std::vector<std::string> split_list(const std::string& v) {
    std::vector<std::string> out;
    std::stringstream ss(v);
    std::string item;
    while (std::getline(ss, item, ',')) {
        auto b = item.find_first_not_of(" \t");
        auto e = item.find_last_not_of(" \t");
        if (b != std::string::npos) {
            out.push_back(item.substr(b, e - b + 1));
        }
    }
    return out;
}

std::optional<std::string> fill_log_config(const values& vals, storage::log_config& log) {
    using std::chrono::milliseconds;
    constexpr int64_t hour_ms = 3600 * 1000LL;
    log.segment_bytes = static_cast<uint64_t>(int_of(vals, "log.segment.bytes"));
    log.segment_ms = milliseconds(is_set(vals, "log.roll.ms") ? int_of(vals, "log.roll.ms")
                                                             : int_of(vals, "log.roll.hours") * hour_ms);
    int64_t retention = is_set(vals, "log.retention.ms") ? int_of(vals, "log.retention.ms")
                                                         : int_of(vals, "log.retention.hours");
    if (!is_set(vals, "log.retention.ms") && retention > 0) {
        retention *= hour_ms;
    }
    log.retention_ms = milliseconds(retention);
    log.retention_bytes = int_of(vals, "log.retention.bytes");
    log.index_interval_bytes = static_cast<uint32_t>(int_of(vals, "log.index.interval.bytes"));
    log.max_message_bytes = static_cast<uint64_t>(int_of(vals, "message.max.bytes"));

    const auto& policy = vals.find("log.cleanup.policy")->second;
    if (auto parsed = storage::parse_cleanup_policy(policy)) {
        log.cleanup = *parsed;
    } else {
        return fmt::format("log.cleanup.policy={}: expected delete, compact or compact,delete", policy);
    }

    int64_t messages = int_of(vals, "log.flush.interval.messages");
    if (messages == 1) {
        log.flush = storage::flush_policy::every_append;
    } else if (messages != long_max) {
        return fmt::format("log.flush.interval.messages={}: only 1 (sync every append) or {} (never by count) "
                           "are supported",
                           messages, long_max);
    } else if (is_set(vals, "log.flush.interval.ms")) {
        log.flush = storage::flush_policy::interval;
        log.flush_interval = milliseconds(int_of(vals, "log.flush.interval.ms"));
    } else {
        log.flush = storage::flush_policy::never;
    }
    return std::nullopt;
}

std::optional<std::string> check_voters(const std::string& voters, int32_t node_id) {
    if (voters.empty()) {
        return std::nullopt;
    }
    auto list = split_list(voters);
    auto at = list.empty() ? std::string::npos : list[0].find('@');
    if (list.size() != 1 || at == std::string::npos || list[0].substr(0, at) != std::to_string(node_id)) {
        return fmt::format("controller.quorum.voters={}: only a single voter, this node ({}@host:port), is "
                           "supported for now",
                           voters, node_id);
    }
    return std::nullopt;
}

}  // namespace

config_outcome<listen_address> parse_listener(const std::string& key, const std::string& value) {
    constexpr std::string_view scheme = "PLAINTEXT://";
    auto bad = [&](std::string_view why) {
        return config_outcome<listen_address>{
            .error = fmt::format("{}={}: {} (expected PLAINTEXT://host:port)", key, value, why)};
    };
    if (value.find(',') != std::string::npos) {
        return bad("only one listener is supported");
    }
    if (!value.starts_with(scheme)) {
        return bad("only the PLAINTEXT security protocol is supported");
    }
    std::string rest = value.substr(scheme.size());
    auto colon = rest.rfind(':');
    if (colon == std::string::npos) {
        return bad("no port");
    }
    listen_address out;
    out.host = rest.substr(0, colon);
    if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') {
        out.host = out.host.substr(1, out.host.size() - 2);
    }
    std::string port = rest.substr(colon + 1);
    int n = -1;
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), n);
    if (ec != std::errc() || p != port.data() + port.size() || n < 0 || n > 65535) {
        return bad("the port must be a number from 0 to 65535");
    }
    out.port = static_cast<uint16_t>(n);
    return {.value = out};
}

config_outcome<broker_config> build_config(const std::vector<property>& file, const std::vector<key_value>& overrides,
                                           const std::string& file_name) {
    using outcome = config_outcome<broker_config>;
    values vals;
    for (const auto& k : config_keys) {
        vals.emplace(std::string(k.name), std::string(k.default_value));
    }
    for (const auto& p : file) {
        if (!find_key(p.key)) {
            return outcome{.error = unknown_key_message(p.key, fmt::format(" at {} line {}", file_name, p.line))};
        }
        vals[p.key] = p.value;
    }
    for (const auto& [k, v] : overrides) {
        if (!find_key(k)) {
            return outcome{.error = unknown_key_message(k, " in --set")};
        }
        vals[k] = v;
    }
    for (const auto& k : config_keys) {
        const auto& v = vals.find(k.name)->second;
        if (v.empty() && k.default_value.empty()) {
            continue;  // unset optional key
        }
        if (auto err = check_value(k, v)) {
            return outcome{.error = *err};
        }
    }

    broker_config cfg;
    auto& c = cfg.cluster;
    c.node_id = static_cast<int32_t>(int_of(vals, "node.id"));
    auto listener = parse_listener("listeners", vals.find("listeners")->second);
    if (!listener.value) {
        return outcome{.error = listener.error};
    }
    cfg.listener = *listener.value;
    listen_address advertised = cfg.listener;
    if (is_set(vals, "advertised.listeners")) {
        auto a = parse_listener("advertised.listeners", vals.find("advertised.listeners")->second);
        if (!a.value) {
            return outcome{.error = a.error};
        }
        advertised = *a.value;
    }
    if (advertised.host.empty() || advertised.host == "0.0.0.0" || advertised.host == "::") {
        advertised.host = "localhost";
    }
    c.advertised_host = advertised.host;
    c.advertised_port = advertised.port;
    c.log_dirs = split_list(vals.find("log.dirs")->second);
    if (c.log_dirs.empty()) {
        return outcome{.error = "log.dirs: at least one directory is required"};
    }
    c.num_partitions = static_cast<int32_t>(int_of(vals, "num.partitions"));
    c.default_replication_factor = static_cast<int16_t>(int_of(vals, "default.replication.factor"));
    c.min_insync_replicas = static_cast<int16_t>(int_of(vals, "min.insync.replicas"));
    c.auto_create_topics = vals.find("auto.create.topics.enable")->second == "true";
    if (auto err = fill_log_config(vals, c.log_defaults)) {
        return outcome{.error = *err};
    }
    if (auto err = check_voters(vals.find("controller.quorum.voters")->second, c.node_id)) {
        return outcome{.error = *err};
    }
    auto& g = cfg.groups;
    g.groups.min_session_timeout = std::chrono::milliseconds(int_of(vals, "group.min.session.timeout.ms"));
    g.groups.max_session_timeout = std::chrono::milliseconds(int_of(vals, "group.max.session.timeout.ms"));
    if (g.groups.min_session_timeout > g.groups.max_session_timeout) {
        return outcome{.error = "group.min.session.timeout.ms must not exceed group.max.session.timeout.ms"};
    }
    g.groups.initial_rebalance_delay = std::chrono::milliseconds(int_of(vals, "group.initial.rebalance.delay.ms"));
    g.groups.max_size = static_cast<int32_t>(int_of(vals, "group.max.size"));
    g.offsets_topic_partitions = static_cast<int32_t>(int_of(vals, "offsets.topic.num.partitions"));
    g.offsets_segment_bytes = static_cast<int32_t>(int_of(vals, "offsets.topic.segment.bytes"));
    g.offsets_retention = std::chrono::minutes(int_of(vals, "offsets.retention.minutes"));
    g.offsets_retention_check_interval =
        std::chrono::milliseconds(int_of(vals, "offsets.retention.check.interval.ms"));
    g.offset_metadata_max_bytes = static_cast<int32_t>(int_of(vals, "offset.metadata.max.bytes"));
    cfg.socket_request_max_bytes = static_cast<uint64_t>(int_of(vals, "socket.request.max.bytes"));
    cfg.shards = static_cast<size_t>(int_of(vals, "num.io.threads"));
    cfg.housekeeping_interval = std::chrono::milliseconds(int_of(vals, "log.retention.check.interval.ms"));
    if (c.log_defaults.flush == storage::flush_policy::interval) {
        cfg.housekeeping_interval =
            std::max(std::chrono::milliseconds(10), std::min(cfg.housekeeping_interval, c.log_defaults.flush_interval));
    }
    return outcome{.value = std::move(cfg)};
}

config_outcome<broker_config> load_config(const std::string& path, const std::vector<key_value>& overrides) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return {.error = fmt::format("cannot read config file {}", path)};
    }
    std::stringstream ss;
    ss << in.rdbuf();
    return build_config(parse_properties(ss.str()), overrides, path);
}

}  // namespace fjord::app
