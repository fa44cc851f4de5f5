// The conformance suite every io::filesystem must pass: the POSIX filesystem and its
// in-memory twin are interchangeable only if they agree on all of this.
//
// A type-parameterized GoogleTest pattern (an "abstract test"): each implementation's
// test file defines an environment type and instantiates the suite with it:
//
//   struct my_env {
//       io::filesystem& fs();
//       std::string path(std::string_view relative);  // inside a fresh, empty directory
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(Mine, FilesystemConformance, ::testing::Types<my_env>);
//
// The environment owns the directory and removes it when destroyed.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "base/bytes.h"
#include "io/file.h"

namespace fjord::io::testing {

inline std::string read_all(file& f) {
    std::vector<std::byte> buf(static_cast<size_t>(f.size()));
    auto n = f.read_at(file_pos(0), buf);
    EXPECT_TRUE(n) << n.error().message();
    if (!n) {
        return {};
    }
    buf.resize(*n);
    return std::string(as_string_view(buf));
}

inline std::vector<std::string> sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
}

template<typename Env>
class FilesystemConformance : public ::testing::Test {
protected:
    filesystem& fs() { return env_.fs(); }
    std::string path(std::string_view relative) { return env_.path(relative); }

    std::unique_ptr<file> open_ok(const std::string& p, open_mode mode) {
        auto f = fs().open(p, mode);
        EXPECT_TRUE(f) << p << ": " << f.error().message();
        return f ? std::move(*f) : nullptr;
    }

    void write_whole(const std::string& p, std::string_view text) {
        auto f = open_ok(p, open_mode::create);
        ASSERT_TRUE(f);
        ASSERT_TRUE(f->truncate(0));
        ASSERT_TRUE(f->append(as_bytes_view(text)));
        ASSERT_TRUE(f->sync());
    }

    Env env_;
};

TYPED_TEST_SUITE_P(FilesystemConformance);

TYPED_TEST_P(FilesystemConformance, AppendThenReadBack) {
    auto f = this->open_ok(this->path("a"), open_mode::create_exclusive);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->size(), 0u);
    ASSERT_TRUE(f->append(as_bytes_view("hello ")));
    ASSERT_TRUE(f->append(as_bytes_view("world")));
    EXPECT_EQ(f->size(), 11u);
    EXPECT_EQ(read_all(*f), "hello world");

    std::vector<std::byte> buf(8);
    auto n = f->read_at(file_pos(6), buf);  // short read at the end
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 5u);
    EXPECT_EQ(as_string_view(std::span(buf).first(5)), "world");
    n = f->read_at(file_pos(11), buf);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 0u);
    n = f->read_at(file_pos(100), buf);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 0u);
}

TYPED_TEST_P(FilesystemConformance, WriteAtOverwritesAndExtends) {
    auto f = this->open_ok(this->path("a"), open_mode::create);
    ASSERT_TRUE(f);
    ASSERT_TRUE(f->append(as_bytes_view("abcdef")));
    ASSERT_TRUE(f->write_at(file_pos(2), as_bytes_view("XY")));
    EXPECT_EQ(read_all(*f), "abXYef");
    ASSERT_TRUE(f->write_at(file_pos(4), as_bytes_view("1234")));
    EXPECT_EQ(read_all(*f), "abXY1234");
    ASSERT_TRUE(f->write_at(file_pos(8), as_bytes_view("!")));  // at size(): an append
    EXPECT_EQ(read_all(*f), "abXY1234!");
    EXPECT_EQ(f->size(), 9u);
    ASSERT_TRUE(f->append(as_bytes_view("?")));  // appends go after write_at's extension
    EXPECT_EQ(read_all(*f), "abXY1234!?");

    auto r = f->write_at(file_pos(20), as_bytes_view("gap"));
    EXPECT_EQ(r.error(), std::errc::invalid_argument);
    EXPECT_EQ(f->size(), 10u);
}

TYPED_TEST_P(FilesystemConformance, TruncateShrinksAndZeroExtends) {
    auto f = this->open_ok(this->path("a"), open_mode::create);
    ASSERT_TRUE(f);
    ASSERT_TRUE(f->append(as_bytes_view("abcdef")));
    ASSERT_TRUE(f->truncate(3));
    EXPECT_EQ(f->size(), 3u);
    EXPECT_EQ(read_all(*f), "abc");
    ASSERT_TRUE(f->append(as_bytes_view("Z")));  // appends at the new end
    EXPECT_EQ(read_all(*f), "abcZ");
    ASSERT_TRUE(f->truncate(6));
    EXPECT_EQ(read_all(*f), std::string("abcZ\0\0", 6));
    ASSERT_TRUE(f->truncate(0));
    EXPECT_EQ(f->size(), 0u);
}

TYPED_TEST_P(FilesystemConformance, SizeAndContentsSeenByNewHandles) {
    const auto p = this->path("a");
    {
        auto f = this->open_ok(p, open_mode::create);
        ASSERT_TRUE(f);
        ASSERT_TRUE(f->append(as_bytes_view("12345")));
        ASSERT_TRUE(f->sync());
    }
    auto g = this->open_ok(p, open_mode::read_write);
    ASSERT_TRUE(g);
    EXPECT_EQ(g->size(), 5u);
    ASSERT_TRUE(g->append(as_bytes_view("6")));
    auto h = this->open_ok(p, open_mode::create);  // keeps existing contents
    ASSERT_TRUE(h);
    EXPECT_EQ(read_all(*h), "123456");
}

TYPED_TEST_P(FilesystemConformance, OpenModes) {
    const auto p = this->path("f");
    EXPECT_EQ(this->fs().open(p, open_mode::read_only).error(), std::errc::no_such_file_or_directory);
    EXPECT_EQ(this->fs().open(p, open_mode::read_write).error(), std::errc::no_such_file_or_directory);
    EXPECT_FALSE(this->fs().exists(p));
    ASSERT_TRUE(this->fs().open(p, open_mode::create_exclusive));
    EXPECT_TRUE(this->fs().exists(p));
    EXPECT_EQ(this->fs().open(p, open_mode::create_exclusive).error(), std::errc::file_exists);
    EXPECT_TRUE(this->fs().open(p, open_mode::create));
    EXPECT_TRUE(this->fs().open(p, open_mode::read_write));

    auto ro = this->open_ok(p, open_mode::read_only);
    ASSERT_TRUE(ro);
    EXPECT_EQ(ro->append(as_bytes_view("x")).error(), std::errc::bad_file_descriptor);
    EXPECT_EQ(ro->write_at(file_pos(0), as_bytes_view("x")).error(), std::errc::bad_file_descriptor);
    EXPECT_EQ(ro->truncate(0).error(), std::errc::bad_file_descriptor);
    EXPECT_EQ(ro->size(), 0u);

    EXPECT_EQ(this->fs().open(this->path("missing/f"), open_mode::create).error(),
              std::errc::no_such_file_or_directory);
    ASSERT_TRUE(this->fs().create_directories(this->path("d")));
    EXPECT_EQ(this->fs().open(this->path("d"), open_mode::read_only).error(), std::errc::is_a_directory);
    EXPECT_EQ(this->fs().open(this->path("d"), open_mode::create).error(), std::errc::is_a_directory);
}

TYPED_TEST_P(FilesystemConformance, CreateDirectoriesNestedAndIdempotent) {
    ASSERT_TRUE(this->fs().create_directories(this->path("x/y/z")));
    EXPECT_TRUE(this->fs().is_directory(this->path("x")));
    EXPECT_TRUE(this->fs().is_directory(this->path("x/y/z")));
    EXPECT_TRUE(this->fs().create_directories(this->path("x/y/z")));
    EXPECT_TRUE(this->fs().create_directories(this->path("x/y")));
    EXPECT_TRUE(this->fs().is_directory(this->path("x//y/z/")));  // normalised

    this->write_whole(this->path("x/file"), "data");
    EXPECT_FALSE(this->fs().is_directory(this->path("x/file")));
    EXPECT_TRUE(this->fs().exists(this->path("x/file")));
    EXPECT_EQ(this->fs().create_directories(this->path("x/file")).error(), std::errc::file_exists);
    EXPECT_EQ(this->fs().create_directories(this->path("x/file/sub")).error(), std::errc::not_a_directory);
}

TYPED_TEST_P(FilesystemConformance, ListEntries) {
    ASSERT_TRUE(this->fs().create_directories(this->path("d/sub")));
    this->write_whole(this->path("d/one"), "1");
    this->write_whole(this->path("d/two"), "2");
    auto names = this->fs().list(this->path("d"));
    ASSERT_TRUE(names);
    EXPECT_EQ(sorted(*names), (std::vector<std::string>{"one", "sub", "two"}));
    auto empty = this->fs().list(this->path("d/sub"));
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
    EXPECT_EQ(this->fs().list(this->path("nope")).error(), std::errc::no_such_file_or_directory);
    EXPECT_EQ(this->fs().list(this->path("d/one")).error(), std::errc::not_a_directory);
}

TYPED_TEST_P(FilesystemConformance, RemoveFilesAndEmptyDirectories) {
    ASSERT_TRUE(this->fs().create_directories(this->path("d/e")));
    this->write_whole(this->path("d/f"), "x");
    EXPECT_EQ(this->fs().remove(this->path("d")).error(), std::errc::directory_not_empty);
    ASSERT_TRUE(this->fs().remove(this->path("d/f")));
    EXPECT_FALSE(this->fs().exists(this->path("d/f")));
    ASSERT_TRUE(this->fs().remove(this->path("d/e")));
    ASSERT_TRUE(this->fs().remove(this->path("d")));
    EXPECT_FALSE(this->fs().exists(this->path("d")));
    EXPECT_EQ(this->fs().remove(this->path("d")).error(), std::errc::no_such_file_or_directory);
}

TYPED_TEST_P(FilesystemConformance, RemoveAllTree) {
    ASSERT_TRUE(this->fs().create_directories(this->path("t/a/b")));
    this->write_whole(this->path("t/a/b/f"), "x");
    this->write_whole(this->path("t/g"), "y");
    this->write_whole(this->path("keep"), "z");
    ASSERT_TRUE(this->fs().remove_all(this->path("t")));
    EXPECT_FALSE(this->fs().exists(this->path("t")));
    EXPECT_FALSE(this->fs().exists(this->path("t/a/b/f")));
    EXPECT_TRUE(this->fs().exists(this->path("keep")));
    EXPECT_TRUE(this->fs().remove_all(this->path("t")));  // missing: nothing to do
    ASSERT_TRUE(this->fs().remove_all(this->path("keep")));  // a plain file
    EXPECT_FALSE(this->fs().exists(this->path("keep")));
}

TYPED_TEST_P(FilesystemConformance, RenameReplacesTarget) {
    this->write_whole(this->path("a"), "new");
    this->write_whole(this->path("b"), "old contents");
    ASSERT_TRUE(this->fs().rename(this->path("a"), this->path("b")));
    EXPECT_FALSE(this->fs().exists(this->path("a")));
    auto f = this->open_ok(this->path("b"), open_mode::read_only);
    ASSERT_TRUE(f);
    EXPECT_EQ(read_all(*f), "new");
    EXPECT_EQ(this->fs().rename(this->path("a"), this->path("c")).error(), std::errc::no_such_file_or_directory);
    EXPECT_EQ(this->fs().rename(this->path("b"), this->path("no/dir")).error(), std::errc::no_such_file_or_directory);
}

TYPED_TEST_P(FilesystemConformance, RenameDirectoryMovesItsContents) {
    ASSERT_TRUE(this->fs().create_directories(this->path("p/q")));
    this->write_whole(this->path("p/q/f"), "payload");
    ASSERT_TRUE(this->fs().rename(this->path("p"), this->path("r")));
    EXPECT_FALSE(this->fs().exists(this->path("p")));
    auto f = this->open_ok(this->path("r/q/f"), open_mode::read_only);
    ASSERT_TRUE(f);
    EXPECT_EQ(read_all(*f), "payload");
    EXPECT_EQ(this->fs().rename(this->path("r"), this->path("r/q/inside")).error(), std::errc::invalid_argument);
}

TYPED_TEST_P(FilesystemConformance, HandleFollowsRenamedFile) {
    auto f = this->open_ok(this->path("a"), open_mode::create);
    ASSERT_TRUE(f);
    ASSERT_TRUE(f->append(as_bytes_view("one")));
    ASSERT_TRUE(this->fs().rename(this->path("a"), this->path("b")));
    ASSERT_TRUE(f->append(as_bytes_view("two")));
    auto g = this->open_ok(this->path("b"), open_mode::read_only);
    ASSERT_TRUE(g);
    EXPECT_EQ(read_all(*g), "onetwo");
}

TYPED_TEST_P(FilesystemConformance, SyncAndSyncDir) {
    auto f = this->open_ok(this->path("a"), open_mode::create);
    ASSERT_TRUE(f);
    ASSERT_TRUE(f->append(as_bytes_view("x")));
    EXPECT_TRUE(f->sync());
    EXPECT_TRUE(this->fs().sync_dir(this->path("")));
    EXPECT_EQ(this->fs().sync_dir(this->path("missing")).error(), std::errc::no_such_file_or_directory);
    EXPECT_FALSE(this->fs().sync_dir(this->path("a")));
}

TYPED_TEST_P(FilesystemConformance, WriteFileAtomicCreatesAndReplaces) {
    const auto p = this->path("meta");
    ASSERT_TRUE(write_file_atomic(this->fs(), p, as_bytes_view("first version, long")));
    auto r = read_file(this->fs(), p, 1024);
    ASSERT_TRUE(r);
    EXPECT_EQ(as_string_view(*r), "first version, long");

    this->write_whole(p + ".tmp", "a stale temp file from a crash, longer than the data");
    ASSERT_TRUE(write_file_atomic(this->fs(), p, as_bytes_view("second")));
    r = read_file(this->fs(), p, 1024);
    ASSERT_TRUE(r);
    EXPECT_EQ(as_string_view(*r), "second");
    EXPECT_FALSE(this->fs().exists(p + ".tmp"));
    auto names = this->fs().list(this->path(""));
    ASSERT_TRUE(names);
    EXPECT_EQ(*names, std::vector<std::string>{"meta"});

    ASSERT_TRUE(write_file_atomic(this->fs(), p, {}));
    r = read_file(this->fs(), p, 0);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->empty());
}

TYPED_TEST_P(FilesystemConformance, ReadFileRefusesLargeFiles) {
    const auto p = this->path("big");
    this->write_whole(p, "0123456789");
    EXPECT_TRUE(read_file(this->fs(), p, 10));
    EXPECT_EQ(read_file(this->fs(), p, 9).error(), std::errc::file_too_large);
    EXPECT_EQ(read_file(this->fs(), this->path("none"), 10).error(), std::errc::no_such_file_or_directory);
}

REGISTER_TYPED_TEST_SUITE_P(FilesystemConformance, AppendThenReadBack, WriteAtOverwritesAndExtends,
                            TruncateShrinksAndZeroExtends, SizeAndContentsSeenByNewHandles, OpenModes,
                            CreateDirectoriesNestedAndIdempotent, ListEntries, RemoveFilesAndEmptyDirectories,
                            RemoveAllTree, RenameReplacesTarget, RenameDirectoryMovesItsContents,
                            HandleFollowsRenamedFile, SyncAndSyncDir, WriteFileAtomicCreatesAndReplaces,
                            ReadFileRefusesLargeFiles);

}  // namespace fjord::io::testing
