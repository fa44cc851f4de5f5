#include "kafka/protocol/frame.h"

#include "base/assert.h"
#include "kafka/protocol/api_versions.h"
#include "kafka/protocol/errc.h"

namespace fjord::kafka {

bool is_flexible(int16_t api_key, int16_t api_version) noexcept {
    const api_info* api = find_api(api_key);
    return api != nullptr && api->flexible_version_min >= 0 && api_version >= api->flexible_version_min;
}

int16_t request_header_version(int16_t api_key, int16_t api_version) noexcept {
    if (api_key == api_key_controlled_shutdown && api_version == 0) {
        return 0;
    }
    return is_flexible(api_key, api_version) ? 2 : 1;
}

int16_t response_header_version(int16_t api_key, int16_t api_version) noexcept {
    if (api_key == api_versions_response::key) {
        return 0;
    }
    return is_flexible(api_key, api_version) ? 1 : 0;
}

result<request_header> decode_request_header(reader& r) {
    // Peek at key and version: they select the header version of the rest.
    reader peek = r;
    auto key = peek.read_int<int16_t>();
    if (!key) {
        return key.error();
    }
    auto version = peek.read_int<int16_t>();
    if (!version) {
        return version.error();
    }
    request_header h;
    if (auto res = h.decode_from(r, request_header_version(*key, *version)); !res) {
        return res.error();
    }
    return h;
}

void encode_request_header(writer& w, const request_header& h) {
    h.encode(w, request_header_version(h.api_key, h.api_version));
}

void encode_response_header(writer& w, int32_t correlation_id, int16_t api_key, int16_t api_version) {
    response_header h;
    h.correlation_id = correlation_id;
    h.encode(w, response_header_version(api_key, api_version));
}

result<decoded_request> decode_request_frame(bytes_view frame) {
    reader r(frame);
    auto header = decode_request_header(r);
    if (!header) {
        return header.error();
    }
    auto body = decode_request(header->api_key, header->api_version, r);
    if (!body) {
        return body.error();
    }
    return decoded_request{std::move(*header), std::move(*body)};
}

bytes encode_request_frame(const request_header& header, const request& body) {
    FJORD_ASSERT(api_key_of(body) == header.api_key, "header api key {} but body of api {}", header.api_key,
                 api_key_of(body));
    writer w;
    encode_request_header(w, header);
    encode(w, body, header.api_version);
    return std::move(w).take();
}

}  // namespace fjord::kafka
