#include "base/errc.h"

#include <cerrno>
#include <string>

namespace fjord {
namespace {

class fjord_category_impl final : public std::error_category {
public:
    const char* name() const noexcept override { return "fjord"; }
    std::string message(int c) const override {
        switch (static_cast<errc>(c)) {
            case errc::success: return "success";
            case errc::invalid_argument: return "invalid argument";
            case errc::corrupt_data: return "corrupt data";
            case errc::out_of_range: return "offset out of range";
            case errc::not_found: return "not found";
            case errc::already_exists: return "already exists";
            case errc::io_error: return "I/O error";
            case errc::no_space: return "no space left on device";
            case errc::too_large: return "too large";
            case errc::unsupported: return "unsupported";
            case errc::shutting_down: return "shutting down";
            case errc::log_failed: return "log failed after an earlier I/O error";
            case errc::timed_out: return "timed out";
        }
        return "unknown fjord error " + std::to_string(c);
    }
};

}  // namespace

const std::error_category& fjord_category() noexcept {
    static const fjord_category_impl instance;
    return instance;
}

int16_t kafka_error_hint(errc e) noexcept {
    switch (e) {
        case errc::success: return 0;
        case errc::invalid_argument: return 42;
        case errc::corrupt_data: return 2;
        case errc::out_of_range: return 1;
        case errc::not_found: return 3;
        case errc::already_exists: return 36;
        case errc::io_error: return 56;
        case errc::no_space: return 56;
        case errc::too_large: return 10;
        case errc::unsupported: return 35;
        case errc::shutting_down: return 6;
        case errc::log_failed: return 56;
        case errc::timed_out: return 7;
    }
    return -1;  // UNKNOWN_SERVER_ERROR
}

errc errc_from_system(std::error_code ec) noexcept {
    if (!ec) {
        return errc::success;
    }
    if (ec.category() == fjord_category()) {
        return static_cast<errc>(ec.value());
    }
    switch (ec.value()) {
        case ENOSPC:
        case EDQUOT: return errc::no_space;
        case ENOENT: return errc::not_found;
        case EEXIST: return errc::already_exists;
        case EINVAL: return errc::invalid_argument;
        default: return errc::io_error;
    }
}

std::error_code to_fjord_error(std::error_code ec) noexcept {
    if (ec && (ec.category() == std::generic_category() || ec.category() == std::system_category())) {
        return make_error_code(errc_from_system(ec));
    }
    return ec;
}

}  // namespace fjord
