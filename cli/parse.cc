// Implementation of cli/parse.h: the command line's value parsers.
#include "cli/parse.h"

#include <array>
#include <charconv>
#include <limits>

namespace fjord::cli {
namespace {

bool all_digits(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (c < '0' || c > '9') {
            return false;
        }
    }
    return true;
}

// Reads exactly `n` digits at `pos`; advances `pos`.
std::optional<int64_t> fixed_digits(std::string_view s, size_t& pos, size_t n) {
    if (pos + n > s.size() || !all_digits(s.substr(pos, n))) {
        return std::nullopt;
    }
    int64_t v = 0;
    std::from_chars(s.data() + pos, s.data() + pos + n, v);
    pos += n;
    return v;
}

bool expect(std::string_view s, size_t& pos, char c) {
    if (pos < s.size() && s[pos] == c) {
        ++pos;
        return true;
    }
    return false;
}

failure bad_timestamp(std::string_view text, std::string_view option) {
    return usage_failure(
        "{} '{}' is neither epoch milliseconds nor ISO 8601 (e.g. 1700000000000, 2024-01-31, "
        "2024-01-31T12:00:00Z, 2024-01-31T12:00:00.250+02:00)",
        option, text);
}

int days_in_month(int64_t year, unsigned month) {
    static constexpr std::array<int, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

// Parses ISO 8601 (the subset documented in parse.h) into epoch milliseconds.
std::optional<int64_t> parse_iso8601_ms(std::string_view s) {
    size_t pos = 0;
    auto year = fixed_digits(s, pos, 4);
    if (!year || !expect(s, pos, '-')) {
        return std::nullopt;
    }
    auto month = fixed_digits(s, pos, 2);
    if (!month || !expect(s, pos, '-')) {
        return std::nullopt;
    }
    auto day = fixed_digits(s, pos, 2);
    if (!day || *month < 1 || *month > 12 || *day < 1 ||
        *day > days_in_month(*year, static_cast<unsigned>(*month))) {
        return std::nullopt;
    }
    int64_t hour = 0, minute = 0, second = 0, millis = 0, offset_minutes = 0;
    if (pos < s.size()) {
        if (s[pos] != 'T' && s[pos] != 't' && s[pos] != ' ') {
            return std::nullopt;
        }
        ++pos;
        auto h = fixed_digits(s, pos, 2);
        if (!h || !expect(s, pos, ':')) {
            return std::nullopt;
        }
        auto m = fixed_digits(s, pos, 2);
        if (!m) {
            return std::nullopt;
        }
        hour = *h;
        minute = *m;
        if (expect(s, pos, ':')) {
            auto sec = fixed_digits(s, pos, 2);
            if (!sec) {
                return std::nullopt;
            }
            second = *sec;
            if (expect(s, pos, '.') || expect(s, pos, ',')) {
                // Fractional seconds: keep milliseconds, ignore finer digits.
                size_t digits = 0;
                while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
                    if (digits < 3) {
                        millis = millis * 10 + (s[pos] - '0');
                    }
                    ++digits;
                    ++pos;
                }
                if (digits == 0) {
                    return std::nullopt;
                }
                for (size_t i = digits; i < 3; ++i) {
                    millis *= 10;
                }
            }
        }
        if (hour > 23 || minute > 59 || second > 60) {
            return std::nullopt;
        }
        if (pos < s.size()) {
            if (s[pos] == 'Z' || s[pos] == 'z') {
                ++pos;
            } else if (s[pos] == '+' || s[pos] == '-') {
                const int64_t sign = s[pos] == '-' ? -1 : 1;
                ++pos;
                auto oh = fixed_digits(s, pos, 2);
                if (!oh) {
                    return std::nullopt;
                }
                expect(s, pos, ':');
                auto om = fixed_digits(s, pos, 2);
                if (!om || *oh > 23 || *om > 59) {
                    return std::nullopt;
                }
                offset_minutes = sign * (*oh * 60 + *om);
            } else {
                return std::nullopt;
            }
        }
    }
    if (pos != s.size()) {
        return std::nullopt;
    }
    const int64_t days = days_from_civil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
    const int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
    return seconds * 1000 + millis;
}

}  // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);                     // [0, 399]
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;     // [0, 365]
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;               // [0, 146096]
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

outcome<key_value> parse_key_value(std::string_view text, std::string_view option) {
    const auto eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0) {
        return usage_failure("{} '{}' is not key=value", option, text);
    }
    return key_value{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))};
}

outcome<std::string> parse_acks(std::string_view text) {
    if (text == "0" || text == "1") {
        return std::string(text);
    }
    if (text == "all" || text == "-1") {
        return std::string("-1");
    }
    return usage_failure("--acks '{}' is not one of 0, 1, all", text);
}

outcome<std::string> parse_compression(std::string_view text) {
    for (std::string_view codec : {"none", "gzip", "snappy", "lz4", "zstd"}) {
        if (text == codec) {
            return std::string(text);
        }
    }
    return usage_failure("--compression '{}' is not one of none, gzip, snappy, lz4, zstd", text);
}

outcome<std::vector<key_value>> producer_properties(std::string_view acks, std::string_view compression,
                                                   bool idempotent) {
    std::vector<key_value> props;
    if (!acks.empty()) {
        auto a = parse_acks(acks);
        if (!a) {
            return std::move(a).error();
        }
        if (idempotent && *a != "-1") {
            return usage_failure("--idempotent needs --acks all (got --acks {})", acks);
        }
        props.push_back({"acks", *a});
    }
    if (!compression.empty()) {
        auto codec = parse_compression(compression);
        if (!codec) {
            return std::move(codec).error();
        }
        props.push_back({"compression.codec", *codec});
    }
    if (idempotent) {
        props.push_back({"enable.idempotence", "true"});
    }
    return props;
}

outcome<int64_t> parse_timestamp_ms(std::string_view text, std::string_view option) {
    if (all_digits(text)) {
        int64_t v = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc{} || end != text.data() + text.size()) {
            return bad_timestamp(text, option);
        }
        return v;
    }
    if (auto ms = parse_iso8601_ms(text)) {
        if (*ms < 0) {
            return usage_failure("{} '{}' is before 1970-01-01", option, text);
        }
        return *ms;
    }
    return bad_timestamp(text, option);
}

std::optional<std::pair<std::string_view, std::string_view>> split_at_separator(std::string_view line,
                                                                                std::string_view separator) {
    const auto at = line.find(separator);
    if (separator.empty() || at == std::string_view::npos) {
        return std::nullopt;
    }
    return std::pair{line.substr(0, at), line.substr(at + separator.size())};
}

}  // namespace fjord::cli
