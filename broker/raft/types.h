// Raft vocabulary: log entries and the index type.
//
// A raft index is a fjord::offset (DESIGN §3: the partition's raft index space is its Kafka
// offset space). The first entry of a fresh log has index 0; "no entry" is index -1 with
// term 0, which is how prevLogIndex/prevLogTerm describe an empty prefix.
#pragma once

#include <cstdint>
#include <string>

#include "base/ids.h"

namespace fjord::raft {

using index = fjord::offset;
inline constexpr index no_index{-1};
inline constexpr term no_term{0};

enum class entry_kind : uint8_t {
    noop,  // appended by a new leader; carries no payload
    data,  // a client proposal
};

struct entry {
    fjord::term term{};
    entry_kind kind = entry_kind::data;
    std::string payload;
};

}  // namespace fjord::raft
