#include "kafka/server/handlers/init_producer_id.h"

namespace fjord::kafka {

boost::asio::awaitable<handler_result> init_producer_id_handler::handle(request_context ctx,
                                                                        init_producer_id_request req) {
    ctx.logger->debug("{} InitProducerId v{} from client '{}'", ctx.peer, ctx.api_version, ctx.client_id);
    init_producer_id_response resp;
    if (req.transactional_id) {
        resp.error_code = 53;  // TRANSACTIONAL_ID_AUTHORIZATION_FAILED: no transactions here
        co_return respond(ctx, resp);
    }
    auto r = ctx.cluster->init_producer_id();
    if (!r) {
        resp.error_code = kafka_error_code(r.error());
    } else {
        resp.producer_id = r->producer_id;
        resp.producer_epoch = r->producer_epoch;
    }
    co_return respond(ctx, resp);
}

}  // namespace fjord::kafka
