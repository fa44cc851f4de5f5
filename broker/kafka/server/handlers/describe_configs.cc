#include "kafka/server/handlers/describe_configs.h"

#include <algorithm>

namespace fjord::kafka {
namespace {

constexpr int8_t resource_topic = 2;
constexpr int8_t resource_broker = 4;
constexpr int8_t source_topic = 1;
constexpr int8_t source_default = 5;

}  // namespace

boost::asio::awaitable<handler_result> describe_configs_handler::handle(request_context ctx,
                                                                        describe_configs_request req) {
    ctx.logger->debug("{} DescribeConfigs v{} from client '{}': {} resources", ctx.peer, ctx.api_version,
                      ctx.client_id, req.resources.size());
    describe_configs_response resp;
    for (const auto& res : req.resources) {
        auto& rr = resp.results.emplace_back();
        rr.resource_type = res.resource_type;
        rr.resource_name = res.resource_name;
        if (res.resource_type == resource_broker) {
            continue;  // no dynamic broker configs to show yet
        }
        if (res.resource_type != resource_topic) {
            rr.error_code = error_code::invalid_request;
            rr.error_message = "unsupported resource type";
            continue;
        }
        auto d = ctx.cluster->describe_topic_config(res.resource_name);
        if (!d) {
            rr.error_code = kafka_error_code(d.error());
            rr.error_message = d.error().message();
            continue;
        }
        for (const auto& key : cluster::supported_topic_config_keys()) {
            if (res.configuration_keys &&
                std::find(res.configuration_keys->begin(), res.configuration_keys->end(), key) ==
                    res.configuration_keys->end()) {
                continue;
            }
            const bool overridden = d->overrides.contains(key);
            auto& c = rr.configs.emplace_back();
            c.name = key;
            c.value = cluster::topic_config_value(d->effective, d->min_insync_replicas, key);
            c.read_only = false;
            c.is_default = !overridden;
            c.config_source = overridden ? source_topic : source_default;
            c.is_sensitive = false;
        }
    }
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
