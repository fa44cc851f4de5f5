// record_category: names and messages for record::errc (see errc.h for what each means).
#include "record/errc.h"

#include <string>

namespace fjord::record {
namespace {

class record_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "fjord.record"; }
    std::string message(int c) const override {
        switch (static_cast<errc>(c)) {
            case errc::success: return "success";
            case errc::truncated: return "record batch truncated";
            case errc::bad_length: return "record batch length invalid";
            case errc::bad_magic: return "record batch magic is not 2";
            case errc::bad_crc: return "record batch CRC-32C mismatch";
            case errc::bad_attributes: return "record batch attributes invalid";
            case errc::bad_record_count: return "record batch record count invalid";
            case errc::bad_offset_delta: return "record batch offset delta invalid";
            case errc::bad_varint: return "malformed varint in record batch";
            case errc::bad_record: return "malformed record in record batch";
            case errc::trailing_bytes: return "bytes left after the last record of the batch";
            case errc::unsupported_compression: return "unsupported compression codec";
            case errc::decompression_failed: return "decompression failed";
            case errc::decompressed_too_large: return "decompressed records exceed the limit";
        }
        return "unknown record error " + std::to_string(c);
    }
};

}  // namespace

const std::error_category& record_category() noexcept {
    static const record_category_impl instance;
    return instance;
}

}  // namespace fjord::record
