// Whole-file helpers on top of io::filesystem, for small metadata files (checkpoints,
// partition metadata). They use only the filesystem interface, so they behave the same on
// the POSIX filesystem and on the fault-injecting twin.
//
// Invariants:
// - write_file_atomic: at every instant `path` holds either its old contents or all of
//   `data`, before and after a crash; it returns success only once the new contents and
//   the rename are durable (file sync, then sync_dir of the parent).
// - read_file never returns more than max_bytes bytes.
#include <filesystem>
#include <system_error>

#include "io/file.h"

namespace fjord::io {
namespace {

// The directory holding `path`, as a string the filesystem accepts ("." for a bare name).
std::string parent_dir(const std::string& path) {
    auto parent = std::filesystem::path(path).parent_path().string();
    return parent.empty() ? std::string(".") : parent;
}

result<void> write_and_sync(filesystem& fs, const std::string& tmp, std::span<const std::byte> data) {
    auto f = fs.open(tmp, open_mode::create);
    if (!f) {
        return f.error();
    }
    // A stale temp file from an earlier crash may be longer than data.
    FJORD_TRY((*f)->truncate(0));
    FJORD_TRY((*f)->append(data));
    FJORD_TRY((*f)->sync());
    return ok();
}

}  // namespace

result<void> write_file_atomic(filesystem& fs, const std::string& path, std::span<const std::byte> data) {
    const std::string tmp = path + ".tmp";
    if (auto r = write_and_sync(fs, tmp, data); !r) {
        (void)fs.remove(tmp);  // best effort; a leftover temp file is harmless
        return r.error();
    }
    FJORD_TRY(fs.rename(tmp, path));
    FJORD_TRY(fs.sync_dir(parent_dir(path)));
    return ok();
}

result<std::vector<std::byte>> read_file(filesystem& fs, const std::string& path, uint64_t max_bytes) {
    auto f = fs.open(path, open_mode::read_only);
    if (!f) {
        return f.error();
    }
    const uint64_t size = (*f)->size();
    if (size > max_bytes) {
        return std::make_error_code(std::errc::file_too_large);
    }
    std::vector<std::byte> out(static_cast<size_t>(size));
    auto n = (*f)->read_at(file_pos(0), out);
    if (!n) {
        return n.error();
    }
    out.resize(*n);  // another writer may have shrunk the file since size()
    return out;
}

}  // namespace fjord::io
