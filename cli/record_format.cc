// Implementation of cli/record_format.h: value / kv / json record lines.
#include "cli/record_format.h"

#include <nlohmann/json.hpp>

#include "cli/text_encoding.h"

namespace fjord::cli {
namespace {

using json = nlohmann::ordered_json;

// Sets obj[field] to the bytes as a JSON string, or base64 with obj[field_encoding].
void put_bytes(json& obj, const std::string& field, std::optional<std::string_view> bytes) {
    if (!bytes) {
        obj[field] = nullptr;
        return;
    }
    if (is_valid_utf8(*bytes)) {
        obj[field] = std::string(*bytes);
        return;
    }
    obj[field] = base64_encode(*bytes);
    obj[field + "_encoding"] = "base64";
}

std::string_view timestamp_type_name(timestamp_kind k) {
    switch (k) {
        case timestamp_kind::create_time: return "create_time";
        case timestamp_kind::log_append_time: return "log_append_time";
        case timestamp_kind::none: break;
    }
    return "none";
}

std::string format_json(const record_view& r) {
    json obj = json::object();
    obj["topic"] = std::string(r.topic);
    obj["partition"] = r.partition;
    obj["offset"] = r.offset;
    if (r.timestamp_type == timestamp_kind::none) {
        obj["timestamp"] = nullptr;
    } else {
        obj["timestamp"] = r.timestamp_ms;
    }
    obj["timestamp_type"] = std::string(timestamp_type_name(r.timestamp_type));
    put_bytes(obj, "key", r.key);
    put_bytes(obj, "value", r.value);
    json headers = json::array();
    for (const auto& h : r.headers) {
        json hj = json::object();
        put_bytes(hj, "key", h.key);
        put_bytes(hj, "value", h.value);
        headers.push_back(std::move(hj));
    }
    obj["headers"] = std::move(headers);
    // Every string put in is valid UTF-8 (put_bytes checked), so dump cannot throw.
    return obj.dump();
}

}  // namespace

outcome<output_format> parse_output_format(std::string_view text) {
    if (text == "value") {
        return output_format::value;
    }
    if (text == "kv") {
        return output_format::kv;
    }
    if (text == "json") {
        return output_format::json;
    }
    return usage_failure("--format '{}' is not one of value, kv, json", text);
}

std::string format_record(const record_view& r, output_format format, std::string_view key_separator) {
    switch (format) {
        case output_format::value: return std::string(r.value.value_or(""));
        case output_format::kv: {
            std::string line(r.key.value_or(""));
            line += key_separator;
            line += r.value.value_or("");
            return line;
        }
        case output_format::json: return format_json(r);
    }
    return {};
}

}  // namespace fjord::cli
