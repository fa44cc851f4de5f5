// A Java-properties parser (java.util.Properties.load semantics, the syntax of Kafka's
// server.properties):
//   - '#' or '!' as the first non-blank character starts a comment line; blank lines are skipped;
//   - the key ends at the first unescaped '=', ':' or blank; blanks around the separator are
//     skipped, so "k=v", "k: v", "k v" and "k = v" are all key "k", value "v";
//   - a line ending in an odd number of backslashes continues on the next line, whose
//     leading blanks are dropped;
//   - escapes \t \n \r \f \uXXXX (to UTF-8), and \x for any other x (so "\=" and "\ ").
// Unlike Java, trailing blanks of a value are trimmed (a stray space after a number is the
// commonest hand-editing mistake). A key given twice keeps the last value.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fjord::app {

struct property {
    std::string key;
    std::string value;
    int line = 0;  // 1-based line where the entry starts
};

// Parses the text of a properties file. Never fails: every line means something in this
// syntax (a malformed \u escape is kept literally).
std::vector<property> parse_properties(std::string_view text);

}  // namespace fjord::app
