#include "base/assert.h"

#include <cstdio>
#include <cstdlib>

namespace fjord::detail {

void assert_failed(std::string_view cond, std::string_view file, int line, std::string_view msg) {
    std::fprintf(stderr, "FJORD_ASSERT failed: %.*s at %.*s:%d: %.*s\n", static_cast<int>(cond.size()),
                 cond.data(), static_cast<int>(file.size()), file.data(), line, static_cast<int>(msg.size()),
                 msg.data());
    std::fflush(stderr);
    std::abort();
}

}  // namespace fjord::detail
