// Value types of the Kafka wire protocol that are not plain C++ types.
#pragma once

#include <array>
#include <cstdint>

namespace fjord::kafka {

// A Kafka UUID (topic ids and the like): 16 bytes, all zero = none.
struct uuid {
    std::array<uint8_t, 16> bytes{};
    bool operator==(const uuid&) const = default;
};

}  // namespace fjord::kafka
