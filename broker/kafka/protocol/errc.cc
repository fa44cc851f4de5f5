#include "kafka/protocol/errc.h"

#include <string>

namespace fjord::kafka {
namespace {

class kafka_protocol_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "kafka.protocol"; }
    std::string message(int c) const override {
        switch (static_cast<errc>(c)) {
            case errc::success: return "success";
            case errc::truncated: return "truncated message";
            case errc::invalid_length: return "invalid length";
            case errc::unexpected_null: return "null in a non-nullable field";
            case errc::invalid_varint: return "invalid unsigned varint";
            case errc::too_many_tagged_fields: return "too many tagged fields";
            case errc::invalid_tagged_field: return "invalid tagged field";
            case errc::unsupported_version: return "unsupported API version";
            case errc::unknown_api: return "unknown API key";
        }
        return "unknown kafka.protocol error " + std::to_string(c);
    }
};

}  // namespace

const std::error_category& kafka_protocol_category() noexcept {
    static const kafka_protocol_category_impl instance;
    return instance;
}

}  // namespace fjord::kafka
