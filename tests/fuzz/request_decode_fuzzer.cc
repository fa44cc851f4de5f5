// libFuzzer target for the Kafka request decoders (every API and version we serve).
// Input: api key (int16, big-endian) + version (int16) + request body. Invariant checked:
// whatever decodes re-encodes to bytes that decode to an equal message and re-encode to the
// same bytes (decode . encode is the identity on decoded messages). The whole input is also
// parsed as a request frame (header + body) to reach the header decoder.
// Run with -malloc_limit_mb=64 (run-fuzzer does): no input may make us allocate more.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "kafka/protocol/frame.h"

namespace {

using namespace fjord;
using namespace fjord::kafka;

bytes encode_body(const request& body, int16_t version) {
    writer w;
    encode(w, body, version);
    return std::move(w).take();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    bytes_view input(reinterpret_cast<const std::byte*>(data), size);
    (void)decode_request_frame(input);
    if (size < 4) {
        return 0;
    }
    auto api_key = read_be<int16_t>(input, 0);
    auto version = read_be<int16_t>(input, 2);
    reader r(input.subspan(4));
    auto first = decode_request(api_key, version, r);
    if (!first) {
        return 0;
    }
    bytes encoded = encode_body(*first, version);
    reader r2(encoded);
    auto second = decode_request(api_key, version, r2);
    if (!second || r2.remaining() != 0 || !(*second == *first)) {
        std::abort();  // our own encoding does not decode back to the same message
    }
    if (encode_body(*second, version) != encoded) {
        std::abort();  // encoding is not stable
    }
    return 0;
}
