#include "kafka/server/handlers/alter_configs.h"

namespace fjord::kafka {

boost::asio::awaitable<handler_result> alter_configs_handler::handle(request_context ctx, alter_configs_request req) {
    ctx.logger->debug("{} AlterConfigs v{} from client '{}': {} resources", ctx.peer, ctx.api_version,
                      ctx.client_id, req.resources.size());
    alter_configs_response resp;
    for (const auto& res : req.resources) {
        auto& rr = resp.responses.emplace_back();
        rr.resource_type = res.resource_type;
        rr.resource_name = res.resource_name;
        if (res.resource_type != 2) {
            rr.error_code = error_code::invalid_request;
            rr.error_message = "only topic configs can be altered";
            continue;
        }
        if (group::is_internal_topic(res.resource_name)) {
            rr.error_code = error_code::invalid_topic_exception;  // must stay compacted
            rr.error_message = "internal topics cannot be changed";
            continue;
        }
        cluster::config_overrides overrides;
        for (const auto& c : res.configs) {
            if (c.value) {
                overrides[c.name] = *c.value;
            }
        }
        // AlterConfigs replaces the resource's whole override set (facts §4.4).
        auto r = ctx.cluster->alter_topic_config(res.resource_name, overrides, req.validate_only);
        if (!r) {
            rr.error_code = kafka_error_code(r.error());
            rr.error_message = r.error().message();
        }
    }
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
