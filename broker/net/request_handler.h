// The contract between the network layer (net/) and whoever answers requests
// (kafka/server/). net/ owns sockets and framing; it hands each complete request frame to a
// request_handler and writes back what it returns, strictly in request order.
//
// A response is a list of chunks written back to back after a 4-byte big-endian size
// prefix that net/ computes from the chunks: bytes the handler built, or byte ranges of
// files (segment slices) that net/ sends with sendfile(2) without copying them through
// user space. A file chunk holds `keepalive` so the file stays open until it is sent.
//
// Threading: handle() runs on the connection's executor (one shard's io_context);
// a connection awaits one handle() at a time, so responses leave in request order.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "base/bytes.h"
#include "base/result.h"

namespace fjord::net {

struct file_chunk {
    int fd = -1;
    uint64_t offset = 0;
    uint64_t length = 0;
    std::shared_ptr<const void> keepalive;
};

using response_chunk = std::variant<bytes, file_chunk>;

struct response {
    std::vector<response_chunk> chunks;
    uint64_t size_bytes() const;
};

struct connection_info {
    uint64_t id = 0;
    std::string peer;  // "127.0.0.1:53412"
};

class request_handler {
public:
    virtual ~request_handler() = default;

    // Handles one request frame (the bytes after the size prefix). Returns the response
    // to send, nullopt to send nothing (Produce with acks=0), or an error: the connection
    // is then closed after a warning naming the peer (a malformed request).
    virtual boost::asio::awaitable<result<std::optional<response>>> handle(const connection_info& conn,
                                                                            bytes frame) = 0;
};

inline uint64_t response::size_bytes() const {
    uint64_t total = 0;
    for (const auto& c : chunks) {
        total += std::holds_alternative<bytes>(c) ? std::get<bytes>(c).size() : std::get<file_chunk>(c).length;
    }
    return total;
}

}  // namespace fjord::net
