// DescribeConfigs for one topic (cli/commands/topic_configs.h).
#include "cli/commands/topic_configs.h"

namespace fjord::cli {

failure topic_error(const std::string& topic, std::string_view what, rd_kafka_resp_err_t err, const char* message) {
    if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
        return unknown_topic(topic);
    }
    const std::string detail = message != nullptr && *message != '\0' ? message : rd_kafka_err2str(err);
    return runtime_failure("{} of topic '{}' failed: {}: {}", what, topic, rd_kafka_err2name(err), detail);
}

outcome<std::vector<config_entry>> describe_topic_configs(const client& c, const global_options& g,
                                                          const std::string& topic) {
    config_resource_ptr res(rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str()));
    auto opts = make_admin_options(c, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, g);
    if (!opts) {
        return std::move(opts).error();
    }
    queue_ptr q(rd_kafka_queue_new(c.get()));
    rd_kafka_ConfigResource_t* resources[] = {res.get()};
    rd_kafka_DescribeConfigs(c.get(), resources, 1, opts->get(), q.get());
    auto ev = wait_admin_result(q.get(), g, "DescribeConfigs");
    if (!ev) {
        return std::move(ev).error();
    }
    const auto* result = rd_kafka_event_DescribeConfigs_result(ev->get());
    size_t n = 0;
    const auto* const* results = rd_kafka_DescribeConfigs_result_resources(result, &n);
    if (n != 1) {
        return runtime_failure("DescribeConfigs of topic '{}' returned {} resources, expected 1", topic, n);
    }
    if (const auto err = rd_kafka_ConfigResource_error(results[0]); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return topic_error(topic, "DescribeConfigs", err, rd_kafka_ConfigResource_error_string(results[0]));
    }
    size_t count = 0;
    const auto* const* configs = rd_kafka_ConfigResource_configs(results[0], &count);
    std::vector<config_entry> out;
    out.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        const auto* e = configs[i];
        const char* value = rd_kafka_ConfigEntry_value(e);
        out.push_back(config_entry{
            .name = rd_kafka_ConfigEntry_name(e),
            .value = value != nullptr ? std::optional<std::string>(value) : std::nullopt,
            .source = rd_kafka_ConfigEntry_source(e),
            .is_default = rd_kafka_ConfigEntry_is_default(e) != 0,
            .read_only = rd_kafka_ConfigEntry_is_read_only(e) != 0,
            .sensitive = rd_kafka_ConfigEntry_is_sensitive(e) != 0,
        });
    }
    return out;
}

}  // namespace fjord::cli
