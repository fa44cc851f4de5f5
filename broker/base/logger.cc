#include "base/logger.h"

#include <cstdlib>
#include <mutex>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace fjord {
namespace {

std::mutex& registry_mutex() {
    static std::mutex m;
    return m;
}

spdlog::sink_ptr shared_sink() {
    static spdlog::sink_ptr sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    return sink;
}

spdlog::level::level_enum& current_level() {
    static spdlog::level::level_enum level = [] {
        const char* env = std::getenv("FJORD_LOG_LEVEL");
        return env ? spdlog::level::from_str(env) : spdlog::level::info;
    }();
    return level;
}

}  // namespace

std::shared_ptr<spdlog::logger> make_logger(const std::string& name) {
    std::lock_guard lock(registry_mutex());
    if (auto existing = spdlog::get(name)) {
        return existing;
    }
    auto logger = std::make_shared<spdlog::logger>(name, shared_sink());
    logger->set_level(current_level());
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v");
    spdlog::register_logger(logger);
    return logger;
}

void set_log_level(spdlog::level::level_enum level) {
    std::lock_guard lock(registry_mutex());
    current_level() = level;
    spdlog::set_level(level);
}

}  // namespace fjord
