// Tests of the POSIX filesystem: the shared conformance suite in a fresh directory under
// /tmp (removed afterwards), and what only the real filesystem has (file descriptors).
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "filesystem_conformance.h"

namespace fjord::io::testing {
namespace {

// A fresh directory under /tmp, removed with everything in it on destruction.
class posix_env {
public:
    posix_env() : fs_(make_posix_filesystem()) {
        std::string tmpl = "/tmp/fjord-io-test-XXXXXX";
        const char* dir = ::mkdtemp(tmpl.data());
        if (dir == nullptr) {
            ADD_FAILURE() << "mkdtemp failed: " << std::strerror(errno);
        }
        root_ = tmpl;
    }
    posix_env(const posix_env&) = delete;
    posix_env& operator=(const posix_env&) = delete;
    ~posix_env() {
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
    }

    filesystem& fs() { return *fs_; }
    std::string path(std::string_view relative) { return root_ + "/" + std::string(relative); }

private:
    std::unique_ptr<filesystem> fs_;
    std::string root_;
};

INSTANTIATE_TYPED_TEST_SUITE_P(Posix, FilesystemConformance, ::testing::Types<posix_env>);

TEST(PosixFilesystem, NativeHandleIsTheDescriptor) {
    posix_env env;
    auto f = env.fs().open(env.path("a"), open_mode::create);
    ASSERT_TRUE(f);
    const int fd = (*f)->native_handle();
    ASSERT_GE(fd, 0);
    EXPECT_NE(::fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
    ASSERT_TRUE((*f)->append(as_bytes_view("abc")));
    char buf[3] = {};
    EXPECT_EQ(::pread(fd, buf, 3, 0), 3);
    EXPECT_EQ(std::string_view(buf, 3), "abc");
}

TEST(PosixFilesystem, SizeIsReadFromTheFileOnOpen) {
    posix_env env;
    const auto p = env.path("a");
    {
        int fd = ::open(p.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::write(fd, "1234567", 7), 7);
        ::close(fd);
    }
    auto f = env.fs().open(p, open_mode::read_write);
    ASSERT_TRUE(f);
    EXPECT_EQ((*f)->size(), 7u);
    ASSERT_TRUE((*f)->append(as_bytes_view("8")));
    EXPECT_EQ(std::filesystem::file_size(p), 8u);
}

TEST(PosixFilesystem, RemoveAllTheTempRootLeavesNothing) {
    std::string root;
    {
        posix_env env;
        root = env.path("");
        ASSERT_TRUE(env.fs().create_directories(env.path("a/b")));
        ASSERT_TRUE(write_file_atomic(env.fs(), env.path("a/b/m"), as_bytes_view("x")));
    }
    EXPECT_FALSE(std::filesystem::exists(root));
}

}  // namespace
}  // namespace fjord::io::testing
