// The in-memory, fault-injecting twin of the POSIX filesystem (see the header for the
// model). Owns every inode (files and directories) in one arena keyed by inode number;
// directory entries and open handles refer to inodes by number, so a renamed file keeps
// its data and a removed-but-durable file can come back on crash().
//
// Invariants (all guarded by state::mu):
// - file inode: current == durable with every mutation of `unsynced` applied in order.
// - directory inode: `entries` is what list() sees now, `durable_entries` what survives
//   crash(). Inode 0 is the root directory; it always exists.
// - The current tree (root, following `entries`) is a tree: rename refuses to move a
//   directory under itself. The durable graph may share or even cycle, so crash() walks it
//   with a visited set.
// - A handle is alive iff its generation equals state::generation (crash() bumps it) and
//   the power is on. Dead handles touch nothing but fail with EIO.
// Paths: split on '/', empty and "." components dropped, ".." pops; a leading '/' is
// ignored, so "a/b", "/a//b/" and "./a/b" name the same entry, and "", "/" and "." the root.
#include "io/fault_injecting_filesystem.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

namespace fjord::io {
namespace {

using inode_id = uint64_t;
constexpr inode_id root_id = 0;

std::error_code err(std::errc e) { return std::make_error_code(e); }

struct mutation {
    enum class kind { write, truncate } what;
    uint64_t pos;  // write: where; truncate: the new size
    std::vector<std::byte> data;
};

void apply_write(std::vector<std::byte>& content, uint64_t pos, std::span<const std::byte> data) {
    if (pos + data.size() > content.size()) {
        content.resize(static_cast<size_t>(pos + data.size()));
    }
    std::copy(data.begin(), data.end(), content.begin() + static_cast<ptrdiff_t>(pos));
}

struct inode {
    bool is_dir = false;
    // Files.
    std::vector<std::byte> durable;
    std::vector<std::byte> current;
    std::vector<mutation> unsynced;
    // Directories (std::map: crash() walks them in a deterministic order).
    std::map<std::string, inode_id> entries;
    std::map<std::string, inode_id> durable_entries;
};

std::vector<std::string> components(const std::string& path) {
    std::vector<std::string> out;
    size_t i = 0;
    while (i <= path.size()) {
        size_t next = std::min(path.find('/', i), path.size());
        std::string part = path.substr(i, next - i);
        i = next + 1;
        if (part.empty() || part == ".") {
            continue;
        }
        if (part == "..") {
            if (!out.empty()) {
                out.pop_back();
            }
            continue;
        }
        out.push_back(std::move(part));
    }
    return out;
}

// Where a path's last component lives: its parent directory and its name. `node` is set
// when the entry exists. For the root, name is empty and node is root_id.
struct location {
    inode_id parent = root_id;
    std::string name;
    std::optional<inode_id> node;
};

}  // namespace

struct fault_injecting_filesystem::state {
    mutable std::mutex mu;
    std::unordered_map<inode_id, inode> nodes;
    inode_id next_id = root_id + 1;
    uint64_t generation = 0;
    uint64_t rng;
    uint64_t writes = 0;
    uint64_t syncs = 0;
    std::optional<uint64_t> sync_fail_in;   // syncs left before they fail
    std::optional<uint64_t> write_fail_in;  // writes left before they fail
    std::optional<uint64_t> power_cut_in;   // writes left before the power goes
    std::optional<uint64_t> space_limit;
    bool reads_fail = false;

    explicit state(uint64_t seed) : rng(seed) { nodes[root_id].is_dir = true; }

    // splitmix64: small, seedable, and the same on every platform (unlike std:: distributions).
    uint64_t next_random() {
        uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    uint64_t random_below(uint64_t n) { return next_random() % n; }

    bool power_off() const { return power_cut_in && *power_cut_in == 0; }

    inode& at(inode_id id) { return nodes.at(id); }

    // Walks the current tree. ENOENT for a missing component, ENOTDIR for a file in the middle.
    result<location> locate(const std::string& path) {
        auto parts = components(path);
        location loc;
        if (parts.empty()) {
            loc.node = root_id;
            return loc;
        }
        inode_id dir = root_id;
        for (size_t i = 0; i + 1 < parts.size(); ++i) {
            const inode& d = at(dir);
            auto it = d.entries.find(parts[i]);
            if (it == d.entries.end()) {
                return err(std::errc::no_such_file_or_directory);
            }
            if (!at(it->second).is_dir) {
                return err(std::errc::not_a_directory);
            }
            dir = it->second;
        }
        loc.parent = dir;
        loc.name = parts.back();
        const inode& d = at(dir);
        if (auto it = d.entries.find(loc.name); it != d.entries.end()) {
            loc.node = it->second;
        }
        return loc;
    }

    // The directory at `path`: ENOENT if missing, ENOTDIR if it is a file.
    result<inode_id> locate_dir(const std::string& path) {
        auto loc = locate(path);
        if (!loc) {
            return loc.error();
        }
        if (!loc->node) {
            return err(std::errc::no_such_file_or_directory);
        }
        if (!at(*loc->node).is_dir) {
            return err(std::errc::not_a_directory);
        }
        return *loc->node;
    }

    std::optional<inode_id> find(const std::string& path) {
        auto loc = locate(path);
        return loc ? loc->node : std::nullopt;
    }

    inode_id make_inode(bool is_dir) {
        inode_id id = next_id++;
        nodes[id].is_dir = is_dir;
        return id;
    }

    uint64_t used_bytes() const {
        uint64_t total = 0;
        std::vector<inode_id> todo{root_id};
        while (!todo.empty()) {
            const inode& n = nodes.at(todo.back());
            todo.pop_back();
            if (!n.is_dir) {
                total += n.current.size();
                continue;
            }
            for (const auto& [name, id] : n.entries) {
                todo.push_back(id);
            }
        }
        return total;
    }

    // One write or append; the caller checked the handle is alive and writable.
    result<void> write(inode& f, uint64_t pos, std::span<const std::byte> data) {
        if (pos > f.current.size()) {
            return err(std::errc::invalid_argument);
        }
        ++writes;
        if (power_cut_in) {
            --*power_cut_in;  // this write still happens; the next call finds the power off
        }
        if (write_fail_in) {
            if (*write_fail_in == 0) {
                return err(std::errc::io_error);
            }
            --*write_fail_in;
        }
        size_t n = data.size();
        if (space_limit) {
            // Only growth uses space; write what fits, then report the full disk.
            const uint64_t used = used_bytes();
            const uint64_t room = *space_limit > used ? *space_limit - used : 0;
            const uint64_t fits = f.current.size() + room - pos;
            n = static_cast<size_t>(std::min<uint64_t>(n, fits));
        }
        if (n > 0) {
            auto part = data.first(n);
            apply_write(f.current, pos, part);
            f.unsynced.push_back({mutation::kind::write, pos, {part.begin(), part.end()}});
        }
        if (n < data.size()) {
            return err(std::errc::no_space_on_device);
        }
        return ok();
    }

    // Counts a sync (file or directory) and says whether it may succeed.
    result<void> admit_sync() {
        ++syncs;
        if (sync_fail_in) {
            if (*sync_fail_in == 0) {
                return err(std::errc::io_error);
            }
            --*sync_fail_in;
        }
        return ok();
    }

    // What a file holds after power loss.
    void crash_file(inode& f, crash_mode mode) {
        std::vector<std::byte> content = std::move(f.durable);
        if (mode == crash_mode::torn_tail && !f.unsynced.empty()) {
            const uint64_t keep = random_below(f.unsynced.size() + 1);
            for (uint64_t i = 0; i < keep; ++i) {
                const mutation& m = f.unsynced[i];
                if (m.what == mutation::kind::truncate) {
                    content.resize(static_cast<size_t>(m.pos));
                    continue;
                }
                std::span<const std::byte> data = m.data;
                if (i + 1 == keep && !data.empty() && random_below(2) == 0) {
                    data = data.first(static_cast<size_t>(random_below(data.size())));  // torn
                }
                apply_write(content, m.pos, data);
            }
        }
        f.current = content;
        f.durable = std::move(content);
        f.unsynced.clear();
    }

    void crash(crash_mode mode) {
        ++generation;
        std::unordered_set<inode_id> reachable;
        std::vector<inode_id> todo{root_id};
        while (!todo.empty()) {
            inode_id id = todo.back();
            todo.pop_back();
            if (!reachable.insert(id).second) {
                continue;
            }
            inode& n = at(id);
            if (!n.is_dir) {
                crash_file(n, mode);
                continue;
            }
            n.entries = n.durable_entries;
            // Push in reverse so files are visited in name order (deterministic PRNG use).
            for (auto it = n.durable_entries.rbegin(); it != n.durable_entries.rend(); ++it) {
                todo.push_back(it->second);
            }
        }
        // Every handle is dead now, so unreachable inodes can go.
        std::erase_if(nodes, [&](const auto& kv) { return !reachable.contains(kv.first); });
        clear_faults();
    }

    void clear_faults() {
        sync_fail_in.reset();
        write_fail_in.reset();
        power_cut_in.reset();
        space_limit.reset();
        reads_fail = false;
    }
};

namespace {

using state = fault_injecting_filesystem::state;

// A handle on one file inode; dies with crash() or the power.
class fault_file final : public file {
public:
    fault_file(std::shared_ptr<state> st, inode_id id, bool writable)
        : st_(std::move(st)), id_(id), generation_(st_->generation), writable_(writable),
          last_size_(st_->at(id).current.size()) {}

    result<size_t> read_at(file_pos pos, std::span<std::byte> out) override {
        std::lock_guard lock(st_->mu);
        auto f = alive();
        if (!f) {
            return f.error();
        }
        if (st_->reads_fail) {
            return err(std::errc::io_error);
        }
        const auto& content = (*f)->current;
        if (pos.value() >= content.size()) {
            return size_t{0};
        }
        const size_t n = std::min<size_t>(out.size(), static_cast<size_t>(content.size() - pos.value()));
        std::copy_n(content.begin() + static_cast<ptrdiff_t>(pos.value()), n, out.begin());
        return n;
    }

    result<void> append(std::span<const std::byte> data) override {
        std::lock_guard lock(st_->mu);
        auto f = alive_writable();
        if (!f) {
            return f.error();
        }
        auto r = st_->write(**f, (*f)->current.size(), data);
        last_size_ = (*f)->current.size();
        return r;
    }

    result<void> write_at(file_pos pos, std::span<const std::byte> data) override {
        std::lock_guard lock(st_->mu);
        auto f = alive_writable();
        if (!f) {
            return f.error();
        }
        auto r = st_->write(**f, pos.value(), data);
        last_size_ = (*f)->current.size();
        return r;
    }

    result<void> sync() override {
        std::lock_guard lock(st_->mu);
        auto f = alive();
        if (!f) {
            return f.error();
        }
        FJORD_TRY(st_->admit_sync());
        (*f)->durable = (*f)->current;
        (*f)->unsynced.clear();
        return ok();
    }

    result<void> truncate(uint64_t size) override {
        std::lock_guard lock(st_->mu);
        auto f = alive_writable();
        if (!f) {
            return f.error();
        }
        (*f)->current.resize(static_cast<size_t>(size));
        (*f)->unsynced.push_back({mutation::kind::truncate, size, {}});
        last_size_ = size;
        return ok();
    }

    // A dead handle reports the size it last saw (its inode may be gone).
    uint64_t size() const override {
        std::lock_guard lock(st_->mu);
        if (generation_ == st_->generation) {
            last_size_ = st_->at(id_).current.size();
        }
        return last_size_;
    }

    int native_handle() const override { return -1; }

private:
    result<inode*> alive() {
        if (generation_ != st_->generation || st_->power_off()) {
            return err(std::errc::io_error);
        }
        return &st_->at(id_);
    }

    result<inode*> alive_writable() {
        auto f = alive();
        if (f && !writable_) {
            return err(std::errc::bad_file_descriptor);
        }
        return f;
    }

    std::shared_ptr<state> st_;
    inode_id id_;
    uint64_t generation_;
    bool writable_;
    mutable uint64_t last_size_;
};

}  // namespace

fault_injecting_filesystem::fault_injecting_filesystem(uint64_t seed) : state_(std::make_shared<state>(seed)) {}

fault_injecting_filesystem::~fault_injecting_filesystem() = default;

#define FJORD_IO_POWER_CHECK()                  \
    std::lock_guard lock(state_->mu);           \
    if (state_->power_off()) {                  \
        return err(std::errc::io_error);        \
    }

result<std::unique_ptr<file>> fault_injecting_filesystem::open(const std::string& path, open_mode mode) {
    FJORD_IO_POWER_CHECK();
    auto loc = state_->locate(path);
    if (!loc) {
        return loc.error();
    }
    std::optional<inode_id> id = loc->node;
    if (id && state_->at(*id).is_dir) {
        return err(std::errc::is_a_directory);
    }
    if (id && mode == open_mode::create_exclusive) {
        return err(std::errc::file_exists);
    }
    if (!id) {
        if (mode == open_mode::read_only || mode == open_mode::read_write) {
            return err(std::errc::no_such_file_or_directory);
        }
        id = state_->make_inode(false);
        state_->at(loc->parent).entries[loc->name] = *id;
    }
    return std::unique_ptr<file>(std::make_unique<fault_file>(state_, *id, mode != open_mode::read_only));
}

// Simplification: a directory made here is durable at once (as if its parent were
// synced), so tests need not sync_dir every ancestor. Renames and removals of directories
// still need sync_dir.
result<void> fault_injecting_filesystem::create_directories(const std::string& path) {
    FJORD_IO_POWER_CHECK();
    auto parts = components(path);
    inode_id dir = root_id;
    for (size_t i = 0; i < parts.size(); ++i) {
        inode& d = state_->at(dir);
        if (auto it = d.entries.find(parts[i]); it != d.entries.end()) {
            if (!state_->at(it->second).is_dir) {
                return err(i + 1 == parts.size() ? std::errc::file_exists : std::errc::not_a_directory);
            }
            dir = it->second;
            continue;
        }
        inode_id child = state_->make_inode(true);  // a rehash keeps `d` valid
        d.entries[parts[i]] = child;
        d.durable_entries[parts[i]] = child;
        dir = child;
    }
    return ok();
}

result<std::vector<std::string>> fault_injecting_filesystem::list(const std::string& dir) {
    FJORD_IO_POWER_CHECK();
    auto id = state_->locate_dir(dir);
    if (!id) {
        return id.error();
    }
    const inode& d = state_->at(*id);
    std::vector<std::string> names;
    names.reserve(d.entries.size());
    for (const auto& [name, id] : d.entries) {
        names.push_back(name);
    }
    return names;
}

bool fault_injecting_filesystem::exists(const std::string& path) {
    std::lock_guard lock(state_->mu);
    return !state_->power_off() && state_->find(path).has_value();
}

bool fault_injecting_filesystem::is_directory(const std::string& path) {
    std::lock_guard lock(state_->mu);
    if (state_->power_off()) {
        return false;
    }
    auto id = state_->find(path);
    return id && state_->at(*id).is_dir;
}

result<void> fault_injecting_filesystem::remove(const std::string& path) {
    FJORD_IO_POWER_CHECK();
    auto loc = state_->locate(path);
    if (!loc) {
        return loc.error();
    }
    if (!loc->node) {
        return err(std::errc::no_such_file_or_directory);
    }
    if (*loc->node == root_id) {
        return err(std::errc::device_or_resource_busy);
    }
    const inode& n = state_->at(*loc->node);
    if (n.is_dir && !n.entries.empty()) {
        return err(std::errc::directory_not_empty);
    }
    state_->at(loc->parent).entries.erase(loc->name);
    return ok();
}

result<void> fault_injecting_filesystem::remove_all(const std::string& path) {
    FJORD_IO_POWER_CHECK();
    auto loc = state_->locate(path);
    if (!loc || !loc->node) {
        return ok();  // nothing there (like `rm -rf`)
    }
    if (*loc->node == root_id) {
        return err(std::errc::device_or_resource_busy);
    }
    // Unlinking the top entry is enough: the subtree's own entries only matter if a crash
    // brings it back, and then they revert to their durable state anyway.
    state_->at(loc->parent).entries.erase(loc->name);
    return ok();
}

result<void> fault_injecting_filesystem::rename(const std::string& from, const std::string& to) {
    FJORD_IO_POWER_CHECK();
    auto src = state_->locate(from);
    if (!src) {
        return src.error();
    }
    if (!src->node) {
        return err(std::errc::no_such_file_or_directory);
    }
    auto dst = state_->locate(to);
    if (!dst) {
        return dst.error();
    }
    if (*src->node == root_id || dst->node == root_id) {
        return err(std::errc::device_or_resource_busy);
    }
    if (dst->node == src->node) {
        return ok();  // same inode: rename(2) does nothing
    }
    const bool src_is_dir = state_->at(*src->node).is_dir;
    if (src_is_dir) {
        // Refuse to move a directory under itself (the current tree stays a tree).
        auto from_parts = components(from);
        auto to_parts = components(to);
        if (to_parts.size() > from_parts.size() && std::equal(from_parts.begin(), from_parts.end(), to_parts.begin())) {
            return err(std::errc::invalid_argument);
        }
    }
    if (dst->node) {
        const inode& target = state_->at(*dst->node);
        if (src_is_dir && !target.is_dir) {
            return err(std::errc::not_a_directory);
        }
        if (!src_is_dir && target.is_dir) {
            return err(std::errc::is_a_directory);
        }
        if (target.is_dir && !target.entries.empty()) {
            return err(std::errc::directory_not_empty);
        }
    }
    state_->at(src->parent).entries.erase(src->name);
    state_->at(dst->parent).entries[dst->name] = *src->node;
    return ok();
}

result<void> fault_injecting_filesystem::sync_dir(const std::string& dir) {
    FJORD_IO_POWER_CHECK();
    auto id = state_->locate_dir(dir);
    if (!id) {
        return id.error();
    }
    inode& d = state_->at(*id);
    FJORD_TRY(state_->admit_sync());
    d.durable_entries = d.entries;
    return ok();
}

#undef FJORD_IO_POWER_CHECK

void fault_injecting_filesystem::crash(crash_mode mode) {
    std::lock_guard lock(state_->mu);
    state_->crash(mode);
}

void fault_injecting_filesystem::fail_sync_after(uint64_t n) {
    std::lock_guard lock(state_->mu);
    state_->sync_fail_in = n;
}

void fault_injecting_filesystem::fail_write_after(uint64_t n) {
    std::lock_guard lock(state_->mu);
    state_->write_fail_in = n;
}

void fault_injecting_filesystem::fail_reads() {
    std::lock_guard lock(state_->mu);
    state_->reads_fail = true;
}

void fault_injecting_filesystem::set_space_limit(std::optional<uint64_t> bytes) {
    std::lock_guard lock(state_->mu);
    state_->space_limit = bytes;
}

void fault_injecting_filesystem::power_cut_after_writes(uint64_t n) {
    std::lock_guard lock(state_->mu);
    state_->power_cut_in = n;
}

void fault_injecting_filesystem::clear_faults() {
    std::lock_guard lock(state_->mu);
    state_->clear_faults();
}

uint64_t fault_injecting_filesystem::writes() const {
    std::lock_guard lock(state_->mu);
    return state_->writes;
}

uint64_t fault_injecting_filesystem::syncs() const {
    std::lock_guard lock(state_->mu);
    return state_->syncs;
}

uint64_t fault_injecting_filesystem::used_bytes() const {
    std::lock_guard lock(state_->mu);
    return state_->used_bytes();
}

std::optional<std::vector<std::byte>> fault_injecting_filesystem::contents(const std::string& path) const {
    std::lock_guard lock(state_->mu);
    auto id = state_->find(path);
    if (!id || state_->at(*id).is_dir) {
        return std::nullopt;
    }
    return state_->at(*id).current;
}

void fault_injecting_filesystem::corrupt(const std::string& path, uint64_t pos, std::span<const std::byte> bytes) {
    std::lock_guard lock(state_->mu);
    auto id = state_->find(path);
    FJORD_ASSERT(id && !state_->at(*id).is_dir, "corrupt: no file at {}", path);
    inode& f = state_->at(*id);
    FJORD_ASSERT(pos + bytes.size() <= f.current.size(), "corrupt: {}+{} past the end of {} ({} bytes)", pos,
                 bytes.size(), path, f.current.size());
    // Overwrite the overlap with both images; unsynced writes replayed by a torn crash
    // still land on top, as they would on a real disk.
    for (auto* image : {&f.durable, &f.current}) {
        for (size_t i = 0; i < bytes.size() && pos + i < image->size(); ++i) {
            (*image)[static_cast<size_t>(pos + i)] = bytes[i];
        }
    }
}

}  // namespace fjord::io
