#include "storage/log_manager.h"

#include <algorithm>
#include <atomic>
#include <charconv>

#include "base/errc.h"
#include "base/logger.h"

namespace fjord::storage {
namespace {
constexpr std::string_view delete_suffix = "-delete";
}

std::string topic_partition::dir_name() const { return topic + "-" + std::to_string(partition.value()); }

bool is_valid_topic_name(std::string_view name) {
    if (name.empty() || name.size() > 249 || name == "." || name == "..") {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
               c == '-';
    });
}

std::optional<topic_partition> parse_partition_dir_name(std::string_view name) {
    const auto dash = name.rfind('-');
    if (dash == std::string_view::npos || dash == 0 || dash + 1 == name.size()) {
        return std::nullopt;
    }
    auto digits = name.substr(dash + 1);
    int32_t p = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), p);
    if (ec != std::errc{} || ptr != digits.data() + digits.size() || p < 0) {
        return std::nullopt;
    }
    auto topic = name.substr(0, dash);
    if (!is_valid_topic_name(topic)) {
        return std::nullopt;
    }
    return topic_partition{std::string(topic), partition_id{p}};
}

log_manager::log_manager(io::filesystem& fs, const fjord::clock& clk, log_manager_config config, config_lookup lookup)
    : fs_(fs), clock_(clk), config_(std::move(config)), lookup_(std::move(lookup)), logger_(make_logger("storage")) {
    FJORD_ASSERT(!config_.log_dirs.empty(), "log.dirs is empty");
}

log_manager::~log_manager() { stop_background(); }

result<void> log_manager::start() {
    struct job {
        topic_partition tp;
        std::string dir;
    };
    std::vector<job> jobs;
    for (const auto& root : config_.log_dirs) {
        FJORD_TRY(fs_.create_directories(root));
        auto names = fs_.list(root);
        if (!names) {
            return names.error();
        }
        for (const auto& n : *names) {
            const std::string path = root + "/" + n;
            if (!fs_.is_directory(path)) {
                continue;
            }
            if (n.ends_with(delete_suffix)) {
                logger_->info("finishing interrupted deletion of {}", path);
                FJORD_TRY(fs_.remove_all(path));
                continue;
            }
            if (auto tp = parse_partition_dir_name(n)) {
                jobs.push_back({*tp, path});
            } else {
                logger_->warn("ignoring {}: not a partition directory", path);
            }
        }
    }
    std::vector<std::optional<result<std::unique_ptr<log>>>> opened(jobs.size());
    std::atomic<size_t> next{0};
    auto worker = [&] {
        for (size_t i = next++; i < jobs.size(); i = next++) {
            const auto cfg = lookup_ ? lookup_(jobs[i].tp) : config_.defaults;
            opened[i].emplace(log::open(fs_, clock_, jobs[i].dir, cfg, jobs[i].tp.dir_name()));
        }
    };
    std::vector<std::thread> threads;
    const size_t n_threads = std::min<size_t>(std::max(1u, config_.recovery_threads), jobs.size());
    for (size_t t = 0; t < n_threads; ++t) {
        threads.emplace_back(worker);
    }
    for (auto& t : threads) {
        t.join();
    }
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < jobs.size(); ++i) {
        auto& r = *opened[i];
        if (!r) {
            logger_->error("cannot open log {}: {}", jobs[i].dir, r.error().message());
            return r.error();
        }
        if (logs_.contains(jobs[i].tp)) {
            // Two directories hold one partition (e.g. in two log dirs): never pick one silently.
            logger_->error("{} is also in {}; refusing to start", jobs[i].dir, logs_.at(jobs[i].tp)->dir());
            return errc::already_exists;
        }
        logs_[jobs[i].tp] = std::shared_ptr<log>(std::move(*r));
    }
    logger_->info("opened {} logs in {} directories", logs_.size(), config_.log_dirs.size());
    return ok();
}

result<std::shared_ptr<log>> log_manager::create(const topic_partition& tp, const log_config& config) {
    if (!is_valid_topic_name(tp.topic) || tp.partition.value() < 0) {
        return errc::invalid_argument;
    }
    std::lock_guard lock(mu_);
    if (logs_.contains(tp)) {
        return errc::already_exists;
    }
    std::map<std::string, size_t> load;
    for (const auto& d : config_.log_dirs) {
        load[d] = 0;
    }
    for (const auto& [_, l] : logs_) {
        const auto& dir = l->dir();
        for (auto& [root, count] : load) {
            if (dir.starts_with(root + "/")) {
                ++count;
            }
        }
    }
    const auto root = std::min_element(load.begin(), load.end(), [](auto& a, auto& b) { return a.second < b.second; })->first;
    const std::string dir = root + "/" + tp.dir_name();
    auto opened = log::open(fs_, clock_, dir, config, tp.dir_name());
    if (!opened) {
        logger_->warn("cannot create log {}: {}", dir, opened.error().message());
        (void)fs_.remove_all(dir);
        return opened.error();
    }
    if (auto r = fs_.sync_dir(root); !r) {
        (void)fs_.remove_all(dir);
        return to_fjord_error(r.error());
    }
    auto shared = std::shared_ptr<log>(std::move(*opened));
    logs_[tp] = shared;
    return shared;
}

std::shared_ptr<log> log_manager::get(const topic_partition& tp) const {
    std::lock_guard lock(mu_);
    auto it = logs_.find(tp);
    return it == logs_.end() ? nullptr : it->second;
}

std::vector<topic_partition> log_manager::list() const {
    std::lock_guard lock(mu_);
    std::vector<topic_partition> out;
    for (const auto& [tp, _] : logs_) {
        out.push_back(tp);
    }
    return out;
}

result<void> log_manager::remove(const topic_partition& tp) {
    std::string doomed;
    {
        // Under the lock: a create() of the same partition waits until the old directory
        // is out of the way, and the log leaves the map only once its files did.
        std::lock_guard lock(mu_);
        auto it = logs_.find(tp);
        if (it == logs_.end()) {
            return errc::not_found;
        }
        auto& l = it->second;
        l->retire();  // handles held elsewhere (housekeeping, fetches) stop touching the path
        const auto slash = l->dir().rfind('/');
        doomed = l->dir() + "." + std::to_string(delete_counter_++) + std::string(delete_suffix);
        if (auto r = fs_.rename(l->dir(), doomed); !r) {
            return to_fjord_error(r.error());
        }
        if (auto r = fs_.sync_dir(l->dir().substr(0, slash)); !r) {
            return to_fjord_error(r.error());
        }
        logs_.erase(it);
    }
    // The rename is durable: start() finishes this removal if we crash before it ends.
    if (auto r = fs_.remove_all(doomed); !r) {
        return to_fjord_error(r.error());
    }
    logger_->info("deleted log {}", tp.dir_name());
    return ok();
}

result<void> log_manager::remove_topic(const std::string& topic) {
    bool any = false;
    for (const auto& tp : list()) {
        if (tp.topic == topic) {
            FJORD_TRY(remove(tp));
            any = true;
        }
    }
    return any ? ok() : result<void>(errc::not_found);
}

void log_manager::housekeeping() {
    std::vector<std::shared_ptr<log>> logs;
    {
        std::lock_guard lock(mu_);
        for (const auto& [_, l] : logs_) {
            logs.push_back(l);
        }
    }
    for (const auto& l : logs) {
        // Each failure is logged where it happens; one log's trouble never stops the others.
        (void)l->flush_if_due();
        (void)l->apply_retention();
        (void)l->compact();
    }
}

void log_manager::run_background(std::chrono::milliseconds interval) {
    stop_background();
    {
        std::lock_guard lock(bg_mu_);
        bg_stop_ = false;
    }
    bg_thread_ = std::thread([this, interval] {
        std::unique_lock lock(bg_mu_);
        while (!bg_cv_.wait_for(lock, interval, [this] { return bg_stop_; })) {
            lock.unlock();
            housekeeping();
            lock.lock();
        }
    });
}

void log_manager::stop_background() {
    {
        std::lock_guard lock(bg_mu_);
        bg_stop_ = true;
    }
    bg_cv_.notify_all();
    if (bg_thread_.joinable()) {
        bg_thread_.join();
    }
}

result<void> log_manager::close_all() {
    stop_background();
    std::lock_guard lock(mu_);
    result<void> first_error;
    for (const auto& [_, l] : logs_) {
        if (auto r = l->close(); !r && first_error) {
            first_error = r;
        }
    }
    return first_error;
}

}  // namespace fjord::storage
