// parse_properties: logical lines, then key/separator/value with escapes.
#include "app/properties.h"

#include <cstdint>

namespace fjord::app {

namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\f';
}

void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

// Decodes the escape at s[i] == '\\'; returns the index after it.
size_t unescape_one(std::string_view s, size_t i, std::string& out) {
    if (i + 1 >= s.size()) {
        return i + 1;  // a lone trailing backslash is dropped (Java does the same)
    }
    char c = s[i + 1];
    switch (c) {
    case 't': out += '\t'; return i + 2;
    case 'n': out += '\n'; return i + 2;
    case 'r': out += '\r'; return i + 2;
    case 'f': out += '\f'; return i + 2;
    case 'u': {
        if (i + 6 <= s.size()) {
            uint32_t cp = 0;
            bool ok = true;
            for (size_t k = i + 2; k < i + 6; ++k) {
                char h = s[k];
                cp <<= 4;
                if (h >= '0' && h <= '9') cp |= static_cast<uint32_t>(h - '0');
                else if (h >= 'a' && h <= 'f') cp |= static_cast<uint32_t>(h - 'a' + 10);
                else if (h >= 'A' && h <= 'F') cp |= static_cast<uint32_t>(h - 'A' + 10);
                else ok = false;
            }
            if (ok) {
                append_utf8(out, cp);
                return i + 6;
            }
        }
        out += "\\u";
        return i + 2;
    }
    default: out += c; return i + 2;
    }
}

// Splits text into logical lines (joining continuations), each with its first line number.
std::vector<std::pair<std::string, int>> logical_lines(std::string_view text) {
    std::vector<std::pair<std::string, int>> out;
    std::string current;
    int start_line = 0;
    bool continuing = false;
    int line_no = 0;
    size_t pos = 0;
    while (pos <= text.size()) {
        size_t eol = text.find_first_of("\r\n", pos);
        std::string_view line = text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
        ++line_no;
        if (eol == std::string_view::npos) {
            pos = text.size() + 1;
        } else {
            pos = eol + ((text[eol] == '\r' && eol + 1 < text.size() && text[eol + 1] == '\n') ? 2 : 1);
        }
        size_t b = 0;
        while (b < line.size() && is_blank(line[b])) ++b;
        line.remove_prefix(b);
        if (!continuing) {
            if (line.empty() || line[0] == '#' || line[0] == '!') {
                continue;
            }
            start_line = line_no;
            current.clear();
        }
        size_t backslashes = 0;
        while (backslashes < line.size() && line[line.size() - 1 - backslashes] == '\\') ++backslashes;
        continuing = backslashes % 2 == 1;
        current.append(continuing ? line.substr(0, line.size() - 1) : line);
        if (!continuing) {
            out.emplace_back(std::move(current), start_line);
            current.clear();
        }
    }
    if (continuing) {
        out.emplace_back(std::move(current), start_line);  // continuation at end of file
    }
    return out;
}

}  // namespace

std::vector<property> parse_properties(std::string_view text) {
    std::vector<property> out;
    for (auto& [line, line_no] : logical_lines(text)) {
        std::string_view s = line;
        property p{.line = line_no};
        size_t i = 0;
        while (i < s.size() && s[i] != '=' && s[i] != ':' && !is_blank(s[i])) {
            if (s[i] == '\\') {
                i = unescape_one(s, i, p.key);
            } else {
                p.key += s[i++];
            }
        }
        while (i < s.size() && is_blank(s[i])) ++i;
        if (i < s.size() && (s[i] == '=' || s[i] == ':')) ++i;
        while (i < s.size() && is_blank(s[i])) ++i;
        while (i < s.size()) {
            if (s[i] == '\\') {
                i = unescape_one(s, i, p.value);
            } else {
                p.value += s[i++];
            }
        }
        while (!p.value.empty() && is_blank(p.value.back())) p.value.pop_back();
        out.push_back(std::move(p));
    }
    return out;
}

}  // namespace fjord::app
