// Byte-string helpers for printing records: strict UTF-8 validation (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF) and standard base64 (RFC 4648,
// with padding). Pure; unit-tested in tests/unit/cli/text_encoding_test.cc.
#pragma once

#include <string>
#include <string_view>

namespace fjord::cli {

bool is_valid_utf8(std::string_view bytes);

std::string base64_encode(std::string_view bytes);

}  // namespace fjord::cli
