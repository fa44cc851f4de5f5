// Raft vocabulary: log entries and the index type.
//
// A raft index is a fjord::offset (DESIGN §3: the partition's raft index space is its Kafka
// offset space). The first entry of a fresh log has index 0; "no entry" is index -1 with
// term 0, which is how prevLogIndex/prevLogTerm describe an empty prefix.
#pragma once

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"

namespace fjord::raft {

using index = fjord::offset;
inline constexpr index no_index{-1};
inline constexpr term no_term{0};

enum class entry_kind : uint8_t {
    noop,  // appended by a new leader; carries no payload
    data,  // a client proposal
    config,  // a membership configuration (payload: membership::encode); effective when appended
};

struct entry {
    fjord::term term{};
    entry_kind kind = entry_kind::data;
    std::string payload;
};

// A group configuration: voters (count for elections and commit) and learners (replicated to,
// never vote, never campaign). A node is in at most one of the two lists.
struct membership {
    std::vector<node_id> voters;
    std::vector<node_id> learners;

    bool is_voter(node_id n) const { return std::find(voters.begin(), voters.end(), n) != voters.end(); }
    bool is_learner(node_id n) const { return std::find(learners.begin(), learners.end(), n) != learners.end(); }
    bool is_member(node_id n) const { return is_voter(n) || is_learner(n); }
    bool operator==(const membership&) const = default;

    // "v=1,2,3;l=4,5" (either list may be empty).
    std::string encode() const {
        std::string s = "v=";
        for (std::size_t k = 0; k < voters.size(); ++k) {
            s += (k ? "," : "") + std::to_string(voters[k].value());
        }
        s += ";l=";
        for (std::size_t k = 0; k < learners.size(); ++k) {
            s += (k ? "," : "") + std::to_string(learners[k].value());
        }
        return s;
    }
    static std::optional<membership> decode(std::string_view s) {
        membership m;
        const auto parse_list = [](std::string_view list, std::vector<node_id>& out) {
            while (!list.empty()) {
                const auto comma = list.find(',');
                const std::string_view item = list.substr(0, comma);
                int32_t v = 0;
                const auto [p, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
                if (ec != std::errc{} || p != item.data() + item.size()) {
                    return false;
                }
                out.push_back(node_id{v});
                list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
            }
            return true;
        };
        const auto semi = s.find(';');
        if (s.substr(0, 2) != "v=" || semi == std::string_view::npos || s.substr(semi, 3) != ";l=") {
            return std::nullopt;
        }
        if (!parse_list(s.substr(2, semi - 2), m.voters) || !parse_list(s.substr(semi + 3), m.learners)) {
            return std::nullopt;
        }
        return m;
    }
};

}  // namespace fjord::raft
