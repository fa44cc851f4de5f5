// Look-ups in the key table.
#include "app/config_keys.h"

#include <algorithm>
#include <vector>

namespace fjord::app {

namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

}  // namespace

std::string_view closest_key(std::string_view name) {
    std::string_view best;
    size_t best_d = SIZE_MAX;
    for (const auto& k : config_keys) {
        auto d = edit_distance(name, k.name);
        if (d < best_d) {
            best_d = d;
            best = k.name;
        }
    }
    return best;
}

const config_key* find_key(std::string_view name) {
    for (const auto& k : config_keys) {
        if (k.name == name) {
            return &k;
        }
    }
    return nullptr;
}

}  // namespace fjord::app
