// The one seam for file access (style habit 9). Everything that touches a file in Fjord
// goes through `io::filesystem` and `io::file`, so tests can swap in the in-memory,
// fault-injecting twin (io/fault_injecting_filesystem.h) and crash the "machine" at any
// write.
//
// Durability model (both implementations honour it; docs/formats/segment.md relies on it):
// - Bytes written to a file are durable only after file::sync() returns success.
// - A created, renamed or removed directory entry is durable only after
//   filesystem::sync_dir(parent) returns success.
// - After a failed sync() the file's unsynced contents are unknown: the caller must treat
//   the file as failed (Linux may have dropped the dirty pages; "fsyncgate").
//
// Errors are std::error_codes in std::generic_category() carrying the errno value
// (ENOSPC, EIO, ENOENT, ...). Threading: a file object has one owner at a time, except
// that sync() may run on another thread concurrently with the owner's reads and writes
// (storage's group commit; storage serialises the syncs of one file and makes a failed
// one sticky); a filesystem object is thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/result.h"

namespace fjord::io {

class file {
public:
    virtual ~file() = default;

    // Reads up to out.size() bytes at pos. Returns the number read: less than out.size()
    // only at end of file (0 when pos >= size()).
    virtual result<size_t> read_at(file_pos pos, std::span<std::byte> out) = 0;

    // Writes all of data at the end of the file. On error, the file may hold any prefix of
    // data (a short write); callers that must leave no partial record truncate back.
    virtual result<void> append(std::span<const std::byte> data) = 0;

    // Writes all of data at pos (pos <= size()), extending the file if needed.
    virtual result<void> write_at(file_pos pos, std::span<const std::byte> data) = 0;

    // Makes every byte written so far durable (fdatasync).
    virtual result<void> sync() = 0;

    // Sets the size to `size` bytes, dropping or zero-extending the tail.
    virtual result<void> truncate(uint64_t size) = 0;

    // The current size in bytes, including unsynced writes.
    virtual uint64_t size() const = 0;

    // The OS file descriptor, for sendfile(2); -1 when the file is not backed by the OS.
    virtual int native_handle() const = 0;
};

enum class open_mode {
    read_only,        // the file must exist
    read_write,       // the file must exist
    create,           // created if missing (read-write); existing contents are kept
    create_exclusive, // created; EEXIST if it exists
};

class filesystem {
public:
    virtual ~filesystem() = default;

    virtual result<std::unique_ptr<file>> open(const std::string& path, open_mode mode) = 0;

    // Creates a directory and its missing parents. Succeeds if it already exists.
    virtual result<void> create_directories(const std::string& path) = 0;

    // Names of the entries of a directory (not "." or ".."), in no particular order.
    virtual result<std::vector<std::string>> list(const std::string& dir) = 0;

    virtual bool exists(const std::string& path) = 0;
    virtual bool is_directory(const std::string& path) = 0;

    // Removes a file or an empty directory.
    virtual result<void> remove(const std::string& path) = 0;

    // Removes a directory and everything under it.
    virtual result<void> remove_all(const std::string& path) = 0;

    // Atomically replaces `to` with `from` (rename(2)).
    virtual result<void> rename(const std::string& from, const std::string& to) = 0;

    // Makes the directory's entries (creations, renames, removals) durable.
    virtual result<void> sync_dir(const std::string& dir) = 0;
};

// The real filesystem (POSIX open/pread/pwrite/fdatasync). Thread-safe.
std::unique_ptr<filesystem> make_posix_filesystem();

// Writes `data` to `path` atomically and durably: temp file, write, sync, rename, sync dir.
// Used for small metadata files (checkpoints, partition metadata).
result<void> write_file_atomic(filesystem& fs, const std::string& path, std::span<const std::byte> data);

// Reads a whole file (for small metadata files; refuses files above max_bytes with EFBIG).
result<std::vector<std::byte>> read_file(filesystem& fs, const std::string& path, uint64_t max_bytes);

}  // namespace fjord::io
