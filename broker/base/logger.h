// Logger factory. Every module asks for a named spdlog logger here; all of them share one
// sink (stderr by default) and one level, set from FJORD_LOG_LEVEL (trace, debug, info,
// warn, error, off) or set_log_level(). Lines that concern one partition carry it in their
// text: callers format "[topic-3] ..." themselves.
#pragma once

#include <memory>
#include <string>

#include <spdlog/logger.h>

namespace fjord {

// Returns the logger called `name`, creating it on first use. Thread-safe.
std::shared_ptr<spdlog::logger> make_logger(const std::string& name);

// Sets the level of every logger made so far and of those made later.
void set_log_level(spdlog::level::level_enum level);

}  // namespace fjord
