#include "storage/segment_files.h"

#include <charconv>

#include <fmt/format.h>

namespace fjord::storage {

std::string segment_path(const std::string& dir, offset base, std::string_view suffix) {
    return fmt::format("{}/{:020d}{}", dir, base.value(), suffix);
}

std::optional<offset> parse_log_file_name(std::string_view name) {
    if (name.size() != 20 + log_suffix.size() || !name.ends_with(log_suffix)) {
        return std::nullopt;
    }
    int64_t v = 0;
    auto digits = name.substr(0, 20);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc{} || ptr != digits.data() + digits.size() || v < 0) {
        return std::nullopt;
    }
    return offset{v};
}

bool is_transient_file_name(std::string_view name) {
    return name.ends_with(cleaned_suffix) || name.ends_with(tmp_suffix);
}

}  // namespace fjord::storage
