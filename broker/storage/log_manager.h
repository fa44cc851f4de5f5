// log_manager: every partition log of this broker, spread over the directories of
// `log.dirs`. A partition's directory is `<log dir>/<topic>-<partition>` (Kafka's layout).
//
// start() opens every existing log in parallel (recovery_threads at a time) and finishes
// any deletion a crash interrupted. Deletion renames the directory to
// `<topic>-<partition>.<n>-delete` (durably), so a crash mid-delete never leaves half a
// log that looks alive, and then removes it.
//
// housekeeping() runs the periodic duties once for every log: interval flushes, retention
// and compaction. run_background() runs it on its own thread every `interval` until the
// manager is destroyed or stop_background() is called.
//
// Errors are values: a full disk while creating a log is errc::no_space, never a crash.
// Threading: thread-safe. The filesystem and clock must outlive the manager.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <spdlog/logger.h>

#include "base/clock.h"
#include "base/ids.h"
#include "base/result.h"
#include "io/file.h"
#include "storage/config.h"
#include "storage/log.h"

namespace fjord::storage {

// A topic partition: (topic name, partition number).
struct topic_partition {
    std::string topic;
    partition_id partition;
    auto operator<=>(const topic_partition&) const = default;
    std::string dir_name() const;
};

// Kafka's topic name rule: 1..249 characters of [a-zA-Z0-9._-], not "." or "..".
bool is_valid_topic_name(std::string_view name);

// Parses "<topic>-<partition>"; nullopt for any other directory name.
std::optional<topic_partition> parse_partition_dir_name(std::string_view name);

struct log_manager_config {
    std::vector<std::string> log_dirs;
    log_config defaults;
    unsigned recovery_threads = 4;
};

class log_manager {
public:
    // Chooses each existing log's configuration on start(); defaults when not given.
    using config_lookup = std::function<log_config(const topic_partition&)>;

    log_manager(io::filesystem& fs, const fjord::clock& clk, log_manager_config config, config_lookup lookup = {});
    ~log_manager();
    log_manager(const log_manager&) = delete;
    log_manager& operator=(const log_manager&) = delete;

    // Opens every log found under log.dirs. Fails if any log cannot be opened.
    result<void> start();

    // Creates a log in the log dir holding the fewest partitions.
    // errc::already_exists, errc::invalid_argument (bad topic name), errc::no_space.
    result<std::shared_ptr<log>> create(const topic_partition& tp, const log_config& config);
    std::shared_ptr<log> get(const topic_partition& tp) const;
    std::vector<topic_partition> list() const;

    // Deletes one partition's log, or every partition of a topic.
    result<void> remove(const topic_partition& tp);
    result<void> remove_topic(const std::string& topic);

    void housekeeping();
    void run_background(std::chrono::milliseconds interval);
    void stop_background();

    // Seals every log (clean shutdown).
    result<void> close_all();

private:
    io::filesystem& fs_;
    const fjord::clock& clock_;
    log_manager_config config_;
    config_lookup lookup_;
    std::shared_ptr<spdlog::logger> logger_;

    mutable std::mutex mu_;
    std::map<topic_partition, std::shared_ptr<log>> logs_;
    uint64_t delete_counter_ = 0;

    std::mutex bg_mu_;
    std::condition_variable bg_cv_;
    bool bg_stop_ = false;
    std::thread bg_thread_;
};

}  // namespace fjord::storage
