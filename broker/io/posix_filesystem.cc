// The real filesystem behind io::filesystem: open(2), pread(2), pwrite(2), fdatasync(2).
//
// Owns: posix_file (one file descriptor, closed in the destructor) and posix_filesystem
// (stateless, so thread-safe).
// Invariants:
// - posix_file::size_ is the file's size as this object last changed or observed it;
//   appends write at size_, never through O_APPEND. It counts the bytes of a short write
//   that did reach the file, so a caller can truncate back after a failed append.
// - Every fd is opened O_CLOEXEC.
// - Errors are errno values in std::generic_category(); EINTR is retried, never returned.
// Semantics shared with the in-memory twin (the conformance suite checks both):
// - write_at past size() and any negative-off_t position fail with EINVAL;
// - writes and truncate on a read_only file fail with EBADF; opening a directory, EISDIR;
// - remove_all of a missing path succeeds (like `rm -rf`);
// - create_directories over an existing non-directory fails with EEXIST (last component)
//   or ENOTDIR (a parent).
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <system_error>

#include "io/file.h"

namespace fjord::io {
namespace {

std::error_code last_error() { return {errno, std::generic_category()}; }

std::error_code errc_code(std::errc e) { return std::make_error_code(e); }

constexpr uint64_t max_off = static_cast<uint64_t>(std::numeric_limits<off_t>::max());

class posix_file final : public file {
public:
    posix_file(int fd, uint64_t size, bool writable) : fd_(fd), size_(size), writable_(writable) {}
    posix_file(const posix_file&) = delete;
    posix_file& operator=(const posix_file&) = delete;
    ~posix_file() override { ::close(fd_); }

    result<size_t> read_at(file_pos pos, std::span<std::byte> out) override {
        if (pos.value() > max_off) {
            return errc_code(std::errc::invalid_argument);
        }
        size_t done = 0;
        while (done < out.size()) {
            ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(pos.value() + done));
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                return last_error();
            }
            if (n == 0) {
                break;  // end of file
            }
            done += static_cast<size_t>(n);
        }
        return done;
    }

    result<void> append(std::span<const std::byte> data) override { return write_at(file_pos(size_), data); }

    result<void> write_at(file_pos pos, std::span<const std::byte> data) override {
        if (!writable_) {
            return errc_code(std::errc::bad_file_descriptor);
        }
        if (pos.value() > size_ || data.size() > max_off - pos.value()) {
            return errc_code(std::errc::invalid_argument);
        }
        size_t done = 0;
        std::error_code err;
        while (done < data.size()) {
            ssize_t n = ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(pos.value() + done));
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                err = last_error();
                break;
            }
            if (n == 0) {
                err = errc_code(std::errc::no_space_on_device);  // pwrite made no progress
                break;
            }
            done += static_cast<size_t>(n);
        }
        // Invariant: size_ covers every byte that reached the file, even on error.
        if (pos.value() + done > size_) {
            size_ = pos.value() + done;
        }
        if (err) {
            return err;
        }
        return ok();
    }

    result<void> sync() override {
        while (::fdatasync(fd_) != 0) {
            if (errno != EINTR) {
                return last_error();
            }
        }
        return ok();
    }

    result<void> truncate(uint64_t size) override {
        if (!writable_) {
            return errc_code(std::errc::bad_file_descriptor);
        }
        if (size > max_off) {
            return errc_code(std::errc::invalid_argument);
        }
        while (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
            if (errno != EINTR) {
                return last_error();
            }
        }
        size_ = size;
        return ok();
    }

    uint64_t size() const override { return size_; }

    int native_handle() const override { return fd_; }

private:
    int fd_;
    uint64_t size_;
    bool writable_;
};

// stat(2) of a path; false when it fails (errno set).
bool stat_path(const std::string& path, struct stat& st) { return ::stat(path.c_str(), &st) == 0; }

class posix_filesystem final : public filesystem {
public:
    result<std::unique_ptr<file>> open(const std::string& path, open_mode mode) override {
        int flags = O_CLOEXEC;
        switch (mode) {
        case open_mode::read_only: flags |= O_RDONLY; break;
        case open_mode::read_write: flags |= O_RDWR; break;
        case open_mode::create: flags |= O_RDWR | O_CREAT; break;
        case open_mode::create_exclusive: flags |= O_RDWR | O_CREAT | O_EXCL; break;
        }
        int fd = -1;
        do {
            fd = ::open(path.c_str(), flags, 0644);
        } while (fd < 0 && errno == EINTR);
        if (fd < 0) {
            return last_error();
        }
        struct stat st{};
        if (::fstat(fd, &st) != 0) {
            auto err = last_error();
            ::close(fd);
            return err;
        }
        if (S_ISDIR(st.st_mode)) {
            ::close(fd);
            return errc_code(std::errc::is_a_directory);
        }
        return std::unique_ptr<file>(
            std::make_unique<posix_file>(fd, static_cast<uint64_t>(st.st_size), mode != open_mode::read_only));
    }

    result<void> create_directories(const std::string& path) override {
        // mkdir each prefix in turn; EEXIST is fine when the prefix is a directory.
        if (path.empty()) {
            return errc_code(std::errc::no_such_file_or_directory);
        }
        std::string prefix;
        size_t i = 0;
        while (i <= path.size()) {
            size_t next = path.find('/', i);
            if (next == std::string::npos) {
                next = path.size();
            }
            prefix = path.substr(0, next);
            bool last = path.find_first_not_of('/', next) == std::string::npos;
            i = next + 1;
            if (prefix.empty() || prefix.back() == '/') {
                continue;  // leading "/" or "//"
            }
            if (::mkdir(prefix.c_str(), 0755) == 0) {
                continue;
            }
            if (errno != EEXIST) {
                return last_error();
            }
            if (!is_directory(prefix)) {
                return errc_code(last ? std::errc::file_exists : std::errc::not_a_directory);
            }
        }
        return ok();
    }

    result<std::vector<std::string>> list(const std::string& dir) override {
        DIR* d = ::opendir(dir.c_str());
        if (d == nullptr) {
            return last_error();
        }
        std::vector<std::string> names;
        std::error_code err;
        while (true) {
            errno = 0;
            const dirent* e = ::readdir(d);
            if (e == nullptr) {
                if (errno != 0) {
                    err = last_error();
                }
                break;
            }
            if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
                names.emplace_back(e->d_name);
            }
        }
        ::closedir(d);
        if (err) {
            return err;
        }
        return names;
    }

    bool exists(const std::string& path) override {
        struct stat st{};
        return stat_path(path, st);
    }

    bool is_directory(const std::string& path) override {
        struct stat st{};
        return stat_path(path, st) && S_ISDIR(st.st_mode);
    }

    result<void> remove(const std::string& path) override {
        struct stat st{};
        if (::lstat(path.c_str(), &st) != 0) {
            return last_error();
        }
        int rc = S_ISDIR(st.st_mode) ? ::rmdir(path.c_str()) : ::unlink(path.c_str());
        if (rc != 0) {
            return last_error();
        }
        return ok();
    }

    result<void> remove_all(const std::string& path) override {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
        if (ec) {
            return std::error_code(ec.value(), std::generic_category());
        }
        return ok();
    }

    result<void> rename(const std::string& from, const std::string& to) override {
        if (::rename(from.c_str(), to.c_str()) != 0) {
            return last_error();
        }
        return ok();
    }

    result<void> sync_dir(const std::string& dir) override {
        int fd = -1;
        do {
            fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        } while (fd < 0 && errno == EINTR);
        if (fd < 0) {
            return last_error();
        }
        std::error_code err;
        while (::fsync(fd) != 0) {
            if (errno != EINTR) {
                err = last_error();
                break;
            }
        }
        ::close(fd);
        if (err) {
            return err;
        }
        return ok();
    }
};

}  // namespace

std::unique_ptr<filesystem> make_posix_filesystem() { return std::make_unique<posix_filesystem>(); }

}  // namespace fjord::io
