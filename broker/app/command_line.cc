// parse_command_line and the generated key reference.
#include "app/command_line.h"

#include <fmt/format.h>

#include "app/config_keys.h"

namespace fjord::app {

namespace {

config_outcome<key_value> parse_set(const std::string& arg) {
    auto eq = arg.find('=');
    if (eq == std::string::npos || eq == 0) {
        return {.error = fmt::format("--set {}: expected key=value", arg)};
    }
    return {.value = key_value{arg.substr(0, eq), arg.substr(eq + 1)}};
}

}  // namespace

config_outcome<command_line> parse_command_line(const std::vector<std::string>& args) {
    command_line out;
    for (size_t i = 0; i < args.size(); ++i) {
        const auto& a = args[i];
        auto next = [&]() -> const std::string* { return i + 1 < args.size() ? &args[++i] : nullptr; };
        if (a == "--help" || a == "-h") {
            out.help = true;
        } else if (a == "--help-config") {
            out.help_config = true;
        } else if (a == "--config" || a.starts_with("--config=")) {
            const std::string* v = a == "--config" ? next() : nullptr;
            std::string path = v ? *v : (a == "--config" ? "" : a.substr(9));
            if (path.empty()) {
                return {.error = "--config needs a file name"};
            }
            out.config_path = path;
        } else if (a == "--set" || a.starts_with("--set=")) {
            const std::string* v = a == "--set" ? next() : nullptr;
            if (a == "--set" && !v) {
                return {.error = "--set needs key=value"};
            }
            auto kv = parse_set(v ? *v : a.substr(6));
            if (!kv.value) {
                return {.error = kv.error};
            }
            out.overrides.push_back(*kv.value);
        } else {
            return {.error = fmt::format("unknown argument '{}'\n{}", a, usage())};
        }
    }
    if (out.config_path.empty() && !out.help && !out.help_config) {
        return {.error = "--config FILE is required\n" + usage()};
    }
    return {.value = std::move(out)};
}

std::string usage() {
    return "usage: fjord-broker --config FILE [--set key=value ...]\n"
           "       fjord-broker --help-config   (every configuration key, its default and meaning)\n"
           "FILE uses Java-properties syntax with Kafka's key names; --set overrides it.\n";
}

namespace {

std::string type_text(const config_key& k) {
    switch (k.type) {
    case key_type::integer: {
        auto bound = [](int64_t v) {
            return v == long_max ? std::string("2^63-1") : v == int_max ? std::string("2^31-1") : std::to_string(v);
        };
        return fmt::format("integer {}..{}", bound(k.min), bound(k.max));
    }
    case key_type::boolean: return "true/false";
    case key_type::list: return "comma-separated list";
    case key_type::string: return "string";
    }
    return "";
}

}  // namespace

std::string config_reference_markdown() {
    std::string out = "| key | default | type | meaning |\n|---|---|---|---|\n";
    for (const auto& k : config_keys) {
        out += fmt::format("| `{}` | {} | {} | {} |\n", k.name,
                           k.default_value.empty() ? std::string("(unset)") : fmt::format("`{}`", k.default_value),
                           type_text(k), k.description);
    }
    return out;
}

}  // namespace fjord::app
