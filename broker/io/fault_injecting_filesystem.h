// An in-memory filesystem that can lose unsynced data, tear writes and fail on demand:
// the twin of the POSIX filesystem for crash-consistency tests (style habit 9; models:
// leveldb's fault_injection_test, FoundationDB's AsyncFileNonDurable).
//
// Model. Each file keeps its durable contents (as of its last successful sync) and the log
// of mutations since (writes and truncates). Each directory keeps its durable entries (as
// of its last sync_dir) beside its current ones. crash() simulates power loss:
//   - crash_mode::drop_unsynced: every file reverts to its durable contents and every
//     directory to its durable entries;
//   - crash_mode::torn_tail: as drop_unsynced, but each file keeps a prefix of its unsynced
//     mutations, chosen by the seeded PRNG, the last kept write possibly cut short at any
//     byte (a torn write), so recovery sees every state a real disk could leave.
// Files opened before crash() are dead: every call on them fails with EIO. crash() also
// clears every fault below (as clear_faults() does), including a power cut.
// Simplification: a directory made by create_directories() is durable at once, as if its
// parent had been synced, so tests need not sync_dir every ancestor. Renames and removals
// of directories, and every file entry, still need sync_dir(parent).
//
// Faults on demand:
//   - fail_sync_after(n):   the (n+1)-th sync() or sync_dir() from now fails with EIO (and
//                           so does every later one until clear_faults()); nothing is made
//                           durable.
//   - fail_write_after(n):  the (n+1)-th write/append from now fails with EIO, and so does
//                           every later one (a dying disk).
//   - set_space_limit(b):   writes that would make the total file bytes exceed b fail with
//                           ENOSPC after writing what fits (a short write), like a full disk.
//                           Only growth uses space; truncate() is not limited.
//   - power_cut_after_writes(n): after n more writes, the machine "dies": every later call
//                           on a file or the filesystem fails with EIO (exists() and
//                           is_directory() say false) until crash() is called. n = 0 cuts
//                           the power now.
//   - fail_reads():         every read_at() from now fails with EIO (an unreadable disk).
//   - clear_faults():       removes all of the above, the space limit included.
// A "write" is one append() or write_at() call; truncate() is not one.
// Counters: writes() and syncs() (file syncs and sync_dir calls) since construction, each
// counting attempts that failed by a fault too, so a test can enumerate crash points.
//
// Paths need not exist on the host: "a/b", "/a//b/" and "./a/b" all name the same entry
// (empty and "." components are dropped, a leading '/' is ignored), and "", "/" and "."
// name the root directory, which always exists. native_handle() is -1.
//
// Thread-safe (one mutex); this is a test tool, not a fast path.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "io/file.h"

namespace fjord::io {

enum class crash_mode { drop_unsynced, torn_tail };

class fault_injecting_filesystem final : public filesystem {
public:
    explicit fault_injecting_filesystem(uint64_t seed = 1);
    ~fault_injecting_filesystem() override;

    result<std::unique_ptr<file>> open(const std::string& path, open_mode mode) override;
    result<void> create_directories(const std::string& path) override;
    result<std::vector<std::string>> list(const std::string& dir) override;
    bool exists(const std::string& path) override;
    bool is_directory(const std::string& path) override;
    result<void> remove(const std::string& path) override;
    result<void> remove_all(const std::string& path) override;
    result<void> rename(const std::string& from, const std::string& to) override;
    result<void> sync_dir(const std::string& dir) override;

    void crash(crash_mode mode);

    void fail_sync_after(uint64_t n);
    void fail_write_after(uint64_t n);
    void fail_reads();
    void set_space_limit(std::optional<uint64_t> bytes);
    void power_cut_after_writes(uint64_t n);
    void clear_faults();

    uint64_t writes() const;
    uint64_t syncs() const;
    // Total bytes of all files' current contents.
    uint64_t used_bytes() const;

    // Test helpers: the current contents of a file, and overwrite of its bytes (durably),
    // to simulate corruption at rest.
    std::optional<std::vector<std::byte>> contents(const std::string& path) const;
    void corrupt(const std::string& path, uint64_t pos, std::span<const std::byte> bytes);

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace fjord::io
