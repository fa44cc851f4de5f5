// The handler registry: one type list names every API we serve (style habit 7). The
// dispatcher dispatches through it and ApiVersions advertises exactly it, intersected
// with the codec's api_table, so the two can never drift apart.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "kafka/server/request_context.h"

namespace fjord::kafka {

// Decodes the body from `r` and returns the handler's (not yet started) coroutine.
using dispatch_fn = result<boost::asio::awaitable<handler_result>> (*)(request_context ctx, reader& r);

struct handler_entry {
    int16_t key;
    int16_t min_version;
    int16_t max_version;
    dispatch_fn dispatch;
};

template<typename H>
result<boost::asio::awaitable<handler_result>> decode_and_start(request_context ctx, reader& r) {
    auto req = H::request_type::decode(r, ctx.api_version);
    if (!req) {
        return req.error();
    }
    return H::handle(std::move(ctx), std::move(*req));
}

template<typename... H>
struct handler_list {
    static constexpr std::array<handler_entry, sizeof...(H)> entries{
        {{H::key, H::min_version, H::max_version, &decode_and_start<H>}...}};
};

// Every handler we serve, sorted by key (defined in handlers.cc).
std::span<const handler_entry> handler_table();
const handler_entry* find_handler(int16_t key);

}  // namespace fjord::kafka
