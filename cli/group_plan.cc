// Implementation of cli/group_plan.h: `fjord group`'s parsing, reset plan and tables.
#include "cli/group_plan.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <limits>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/parse.h"

namespace fjord::cli {
namespace {

std::optional<int32_t> parse_partition(std::string_view s) {
    if (s.empty() || s.find_first_not_of("0123456789") != std::string_view::npos) {
        return std::nullopt;
    }
    int32_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size()) {
        return std::nullopt;
    }
    return v;
}

// a + b without signed overflow: saturates at the int64 limits.
int64_t saturating_add(int64_t a, int64_t b) {
    constexpr auto max = std::numeric_limits<int64_t>::max();
    constexpr auto min = std::numeric_limits<int64_t>::min();
    if (b > 0 && a > max - b) {
        return max;
    }
    if (b < 0 && a < min - b) {
        return min;
    }
    return a + b;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return lower(x) == lower(y);
           });
}

}  // namespace

outcome<topic_spec> parse_topic_spec(std::string_view text) {
    const auto colon = text.rfind(':');
    topic_spec spec{.topic = std::string(text.substr(0, colon))};
    if (spec.topic.empty()) {
        return usage_failure("--topic '{}' has no topic name (use TOPIC or TOPIC:PARTITION,PARTITION,...)", text);
    }
    if (colon == std::string_view::npos) {
        return spec;
    }
    std::set<int32_t> partitions;
    std::string_view rest = text.substr(colon + 1);
    for (;;) {
        const auto comma = rest.find(',');
        const auto item = rest.substr(0, comma);
        const auto p = parse_partition(item);
        if (!p) {
            return usage_failure("--topic '{}': '{}' is not a partition number (use TOPIC or "
                                 "TOPIC:PARTITION,PARTITION,...)",
                                 text, item);
        }
        partitions.insert(*p);
        if (comma == std::string_view::npos) {
            break;
        }
        rest = rest.substr(comma + 1);
    }
    spec.partitions.assign(partitions.begin(), partitions.end());
    return spec;
}

outcome<reset_target> choose_reset_target(const reset_flags& f) {
    const int given = int{f.to_earliest} + int{f.to_latest} + int{f.to_datetime.has_value()} +
                      int{f.to_offset.has_value()} + int{f.shift_by.has_value()};
    if (given != 1) {
        return usage_failure("{} one of --to-earliest, --to-latest, --to-datetime, --to-offset, --shift-by",
                             given == 0 ? "give" : "give only");
    }
    if (f.to_earliest) {
        return reset_target{.kind = reset_kind::earliest};
    }
    if (f.to_latest) {
        return reset_target{.kind = reset_kind::latest};
    }
    if (f.to_datetime) {
        auto ms = parse_timestamp_ms(*f.to_datetime, "--to-datetime");
        if (!ms) {
            return std::move(ms).error();
        }
        return reset_target{.kind = reset_kind::datetime, .value = *ms};
    }
    if (f.to_offset) {
        if (*f.to_offset < 0) {
            return usage_failure("--to-offset {} is negative", *f.to_offset);
        }
        return reset_target{.kind = reset_kind::offset, .value = *f.to_offset};
    }
    return reset_target{.kind = reset_kind::shift_by, .value = *f.shift_by};
}

outcome<planned_reset> plan_reset(const reset_target& t, const partition_position& p) {
    int64_t wanted = 0;
    switch (t.kind) {
        case reset_kind::earliest: wanted = p.log_start; break;
        case reset_kind::latest: wanted = p.log_end; break;
        case reset_kind::datetime: wanted = p.time_offset.value_or(p.log_end); break;
        case reset_kind::offset: wanted = t.value; break;
        case reset_kind::shift_by:
            if (!p.committed) {
                return runtime_failure("cannot shift partition {} of '{}': the group has no committed offset there "
                                       "(use --to-earliest, --to-latest, --to-datetime or --to-offset)",
                                       p.tp.partition, p.tp.topic);
            }
            wanted = saturating_add(*p.committed, t.value);
            break;
    }
    const int64_t target = std::clamp(wanted, p.log_start, p.log_end);
    return planned_reset{.tp = p.tp, .current = p.committed, .target = target, .clamped = target != wanted};
}

std::optional<int64_t> lag_of(std::optional<int64_t> committed, int64_t log_end) {
    if (!committed) {
        return std::nullopt;
    }
    return log_end - *committed;
}

std::vector<offset_row> merge_offset_rows(const std::map<topic_partition, int64_t>& committed,
                                          const std::vector<member_partitions>& members) {
    std::map<topic_partition, offset_row> rows;
    for (const auto& [tp, offset] : committed) {
        rows[tp] = offset_row{.tp = tp, .committed = offset};
    }
    for (const auto& m : members) {
        for (const auto& tp : m.assigned) {
            auto& row = rows[tp];
            row.tp = tp;
            row.member_id = m.member_id;
        }
    }
    std::vector<offset_row> out;
    out.reserve(rows.size());
    for (auto& [tp, row] : rows) {
        out.push_back(std::move(row));
    }
    return out;
}

outcome<std::string> parse_group_state(std::string_view text) {
    static constexpr std::array<std::string_view, 5> states{"Stable", "Empty", "PreparingRebalance",
                                                            "CompletingRebalance", "Dead"};
    for (auto s : states) {
        if (iequals(s, text)) {
            return std::string(s);
        }
    }
    return usage_failure("--state '{}' is not one of Stable, Empty, PreparingRebalance, CompletingRebalance, Dead",
                         text);
}

std::string format_assignment(const std::vector<topic_partition>& parts) {
    std::map<std::string, std::set<int32_t>> by_topic;
    for (const auto& tp : parts) {
        by_topic[tp.topic].insert(tp.partition);
    }
    std::string out;
    for (const auto& [topic, ps] : by_topic) {
        if (!out.empty()) {
            out += ' ';
        }
        out += fmt::format("{}:{}", topic, fmt::join(ps, ","));
    }
    return out;
}

std::string format_table(const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> widths;
    for (const auto& row : rows) {
        widths.resize(std::max(widths.size(), row.size()), 0);
        for (size_t i = 0; i < row.size(); ++i) {
            widths[i] = std::max(widths[i], row[i].size());
        }
    }
    std::string out;
    for (const auto& row : rows) {
        for (size_t i = 0; i < row.size(); ++i) {
            out += row[i];
            if (i + 1 < row.size()) {
                out.append(widths[i] - row[i].size() + 2, ' ');
            }
        }
        out += '\n';
    }
    return out;
}

}  // namespace fjord::cli
