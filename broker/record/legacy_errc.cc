// legacy_category: names and messages for record::legacy_errc (see legacy_errc.h).
#include "record/legacy_errc.h"

#include <string>

namespace fjord::record {
namespace {

class legacy_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "fjord.record.legacy"; }
    std::string message(int c) const override {
        switch (static_cast<legacy_errc>(c)) {
            case legacy_errc::success: return "success";
            case legacy_errc::empty_set: return "legacy message set holds no message";
            case legacy_errc::mixed_magic: return "legacy message set mixes magic 0 and magic 1";
            case legacy_errc::compressed_not_alone: return "compressed legacy message is not alone in its set";
            case legacy_errc::nested_compression: return "compressed message inside a compressed wrapper";
            case legacy_errc::inner_magic_mismatch: return "inner message magic differs from its wrapper's";
            case legacy_errc::null_wrapper_value: return "compressed legacy wrapper with a null value";
            case legacy_errc::empty_wrapper: return "compressed legacy wrapper holds no message";
            case legacy_errc::zstd_wrapper: return "zstd is not a legacy message codec";
            case legacy_errc::invalid_timestamp: return "legacy message timestamp out of range";
        }
        return "unknown legacy message set error " + std::to_string(c);
    }
};

}  // namespace

const std::error_category& legacy_category() noexcept {
    static const legacy_category_impl instance;
    return instance;
}

}  // namespace fjord::record
