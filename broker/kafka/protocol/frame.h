// frame: the pieces around a message body — which header version applies, header decode and
// encode, and whole request frames.
//
// A frame on the wire is `int32 size` then header then body (facts sheet §1.1); the
// functions here take and produce the bytes AFTER the size prefix. The connection layer
// reads the size, checks it against socket.request.max.bytes and hands the rest here.
//
// Header versions (facts sheet §1.2): a request uses header v2 when its API version is
// flexible, v1 otherwise (v0 only for ControlledShutdown v0); a response uses header v1
// when flexible, v0 otherwise, and ApiVersions responses always use v0 (KIP-511), so a
// client that sent a version we do not serve can still read our answer. "Flexible" is
// judged by Kafka's first flexible version in api_table, which is right even for request
// versions above the range we serve.
#pragma once

#include <cstdint>

#include "base/bytes.h"
#include "base/result.h"
#include "kafka/protocol/api_table.h"
#include "kafka/protocol/headers.h"
#include "kafka/protocol/reader.h"
#include "kafka/protocol/requests.h"
#include "kafka/protocol/writer.h"

namespace fjord::kafka {

inline constexpr int16_t api_key_controlled_shutdown = 7;

// Whether `api_version` of `api_key` uses the flexible encodings. False for unknown keys.
bool is_flexible(int16_t api_key, int16_t api_version) noexcept;

// The request header version for a request of `api_key` at `api_version`. Unknown API keys
// get v1, which is enough to read the correlation id and client id.
int16_t request_header_version(int16_t api_key, int16_t api_version) noexcept;

// The response header version for a response to `api_key` at `api_version`.
int16_t response_header_version(int16_t api_key, int16_t api_version) noexcept;

// Reads the api key and version, then the rest of the header in the version they select.
// Succeeds for unknown API keys and unserved versions (the caller answers or closes).
result<request_header> decode_request_header(reader& r);

// Encodes `h` in the header version its api key and version select.
void encode_request_header(writer& w, const request_header& h);

// Encodes the response header for a response to `api_key` at `api_version`.
void encode_response_header(writer& w, int32_t correlation_id, int16_t api_key, int16_t api_version);

struct decoded_request {
    request_header header;
    request body;
};

// Decodes a request frame (header + body, after the size prefix). Errors: those of the
// header, then unknown_api / unsupported_version, then those of the body. Bytes after the
// body are ignored (a client's fields from a newer schema would be there).
result<decoded_request> decode_request_frame(bytes_view frame);

// Encodes header + body (no size prefix); the body's version is header.api_version.
bytes encode_request_frame(const request_header& header, const request& body);

}  // namespace fjord::kafka
