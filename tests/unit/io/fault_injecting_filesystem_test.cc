// Tests of the in-memory, fault-injecting filesystem: the shared conformance suite, then
// its crash model (what survives power loss) and each fault on demand.
#include "io/fault_injecting_filesystem.h"

#include <array>
#include <thread>

#include "filesystem_conformance.h"

namespace fjord::io::testing {
namespace {

class twin_env {
public:
    twin_env() { EXPECT_TRUE(fs_.create_directories("/data")); }
    filesystem& fs() { return fs_; }
    std::string path(std::string_view relative) { return "/data/" + std::string(relative); }

private:
    fault_injecting_filesystem fs_;
};

INSTANTIATE_TYPED_TEST_SUITE_P(Twin, FilesystemConformance, ::testing::Types<twin_env>);

// prefix + i, built by appending (g++ 12 -O3 misreports `"lit" + std::string` as -Wrestrict).
std::string numbered(std::string prefix, int i) {
    prefix += std::to_string(i);
    return prefix;
}

std::string text(const std::optional<std::vector<std::byte>>& b) {
    return b ? std::string(as_string_view(*b)) : std::string("<missing>");
}

std::unique_ptr<file> must_open(filesystem& fs, const std::string& p, open_mode mode) {
    auto f = fs.open(p, mode);
    EXPECT_TRUE(f) << p << ": " << f.error().message();
    return f ? std::move(*f) : nullptr;
}

// A file "d/f" whose entry is durable and whose durable contents are `synced`.
std::unique_ptr<file> durable_file(fault_injecting_filesystem& fs, std::string_view synced) {
    EXPECT_TRUE(fs.create_directories("d"));
    auto f = must_open(fs, "d/f", open_mode::create_exclusive);
    EXPECT_TRUE(f->append(as_bytes_view(synced)));
    EXPECT_TRUE(f->sync());
    EXPECT_TRUE(fs.sync_dir("d"));
    return f;
}

TEST(FaultInjectingFilesystem, NativeHandleIsMinusOne) {
    fault_injecting_filesystem fs;
    auto f = must_open(fs, "x", open_mode::create);
    EXPECT_EQ(f->native_handle(), -1);
}

TEST(FaultInjectingFilesystem, PathsAreNormalised) {
    fault_injecting_filesystem fs;
    ASSERT_TRUE(fs.create_directories("a//b/"));
    EXPECT_TRUE(fs.is_directory("a/b"));
    EXPECT_TRUE(fs.is_directory("/a/b"));
    EXPECT_TRUE(fs.is_directory("./a/./b"));
    EXPECT_TRUE(fs.is_directory("/"));
    EXPECT_TRUE(fs.is_directory(""));
    auto f = must_open(fs, "a/b//c", open_mode::create_exclusive);
    ASSERT_TRUE(f->append(as_bytes_view("x")));
    EXPECT_EQ(text(fs.contents("/a/b/c")), "x");
    EXPECT_EQ(fs.open("a//b/c/", open_mode::create_exclusive).error(), std::errc::file_exists);
    auto names = fs.list("/a//b/");
    ASSERT_TRUE(names);
    EXPECT_EQ(*names, std::vector<std::string>{"c"});
}

TEST(FaultInjectingFilesystem, UnsyncedWritesLostOnCrash) {
    fault_injecting_filesystem fs;
    auto f = durable_file(fs, "synced|");
    ASSERT_TRUE(f->append(as_bytes_view("unsynced")));
    ASSERT_TRUE(f->write_at(file_pos(0), as_bytes_view("S")));
    EXPECT_EQ(text(fs.contents("d/f")), "Synced|unsynced");
    fs.crash(crash_mode::drop_unsynced);
    EXPECT_EQ(text(fs.contents("d/f")), "synced|");
}

TEST(FaultInjectingFilesystem, UnsyncedTruncateUndoneOnCrash) {
    fault_injecting_filesystem fs;
    auto f = durable_file(fs, "0123456789");
    ASSERT_TRUE(f->truncate(3));
    fs.crash(crash_mode::drop_unsynced);
    EXPECT_EQ(text(fs.contents("d/f")), "0123456789");
}

TEST(FaultInjectingFilesystem, SyncedWritesSurviveCrash) {
    for (auto mode : {crash_mode::drop_unsynced, crash_mode::torn_tail}) {
        fault_injecting_filesystem fs;
        auto f = durable_file(fs, "first");
        ASSERT_TRUE(f->append(as_bytes_view(" second")));
        ASSERT_TRUE(f->truncate(9));
        ASSERT_TRUE(f->sync());
        fs.crash(mode);
        EXPECT_EQ(text(fs.contents("d/f")), "first sec");
        auto g = must_open(fs, "d/f", open_mode::read_only);
        EXPECT_EQ(read_all(*g), "first sec");
    }
}

TEST(FaultInjectingFilesystem, TornTailKeepsPrefixOfUnsyncedWrites) {
    const std::string durable = "DURABLE.";
    const std::vector<std::string> chunks = {"alpha-", "bravo-", "charlie-", "delta"};
    std::string full = durable;
    std::vector<size_t> boundaries{full.size()};
    for (const auto& c : chunks) {
        full += c;
        boundaries.push_back(full.size());
    }
    bool saw_torn = false;
    bool saw_none_kept = false;
    bool saw_all_kept = false;
    for (uint64_t seed = 1; seed <= 300; ++seed) {
        fault_injecting_filesystem fs(seed);
        auto f = durable_file(fs, durable);
        for (const auto& c : chunks) {
            ASSERT_TRUE(f->append(as_bytes_view(c)));
        }
        fs.crash(crash_mode::torn_tail);
        const std::string got = text(fs.contents("d/f"));
        ASSERT_GE(got.size(), durable.size()) << "seed " << seed;
        ASSERT_EQ(got, full.substr(0, got.size())) << "seed " << seed;
        const bool at_boundary = std::find(boundaries.begin(), boundaries.end(), got.size()) != boundaries.end();
        saw_torn |= !at_boundary;
        saw_none_kept |= got == durable;
        saw_all_kept |= got == full;
    }
    EXPECT_TRUE(saw_torn);
    EXPECT_TRUE(saw_none_kept);
    EXPECT_TRUE(saw_all_kept);
}

TEST(FaultInjectingFilesystem, TornTailReplaysOverwritesAndTruncatesInOrder) {
    // Every surviving state is the durable contents with some prefix of the mutations
    // applied, the last write possibly cut short.
    const std::string durable = "0123456789";
    for (uint64_t seed = 1; seed <= 200; ++seed) {
        fault_injecting_filesystem fs(seed);
        auto f = durable_file(fs, durable);
        ASSERT_TRUE(f->write_at(file_pos(2), as_bytes_view("ab")));  // 01ab456789
        ASSERT_TRUE(f->truncate(4));                                  // 01ab
        ASSERT_TRUE(f->append(as_bytes_view("XYZ")));                 // 01abXYZ
        fs.crash(crash_mode::torn_tail);
        const std::string got = text(fs.contents("d/f"));
        const std::vector<std::string> allowed = {"0123456789", "01a3456789", "01ab456789", "01ab",
                                                  "01abX",      "01abXY",     "01abXYZ"};
        EXPECT_TRUE(std::find(allowed.begin(), allowed.end(), got) != allowed.end()) << "seed " << seed << ": " << got;
    }
}

TEST(FaultInjectingFilesystem, SameSeedSameTornOutcome) {
    auto run = [](uint64_t seed) {
        fault_injecting_filesystem fs(seed);
        EXPECT_TRUE(fs.create_directories("d"));
        std::vector<std::unique_ptr<file>> files;
        for (int i = 0; i < 4; ++i) {
            auto f = must_open(fs, numbered("d/f", i), open_mode::create);
            EXPECT_TRUE(f->append(as_bytes_view("durable")));
            EXPECT_TRUE(f->sync());
            for (int j = 0; j < 5; ++j) {
                EXPECT_TRUE(f->append(as_bytes_view(numbered("-write-", j))));
            }
            files.push_back(std::move(f));
        }
        EXPECT_TRUE(fs.sync_dir("d"));
        fs.crash(crash_mode::torn_tail);
        std::string all;
        for (int i = 0; i < 4; ++i) {
            all += text(fs.contents(numbered("d/f", i))) + "\n";
        }
        return all;
    };
    EXPECT_EQ(run(42), run(42));
    EXPECT_EQ(run(7), run(7));
    bool some_differ = false;
    for (uint64_t seed = 1; seed < 10; ++seed) {
        some_differ |= run(seed) != run(seed + 100);
    }
    EXPECT_TRUE(some_differ);
}

TEST(FaultInjectingFilesystem, UnsyncedCreateVanishesOnCrash) {
    fault_injecting_filesystem fs;
    ASSERT_TRUE(fs.create_directories("d"));
    auto f = must_open(fs, "d/new", open_mode::create_exclusive);
    ASSERT_TRUE(f->append(as_bytes_view("data")));
    ASSERT_TRUE(f->sync());  // the data is durable, the entry is not
    fs.crash(crash_mode::drop_unsynced);
    EXPECT_FALSE(fs.exists("d/new"));
    EXPECT_TRUE(fs.is_directory("d"));  // create_directories is durable at once

    auto g = must_open(fs, "d/new", open_mode::create_exclusive);
    ASSERT_TRUE(g->append(as_bytes_view("data")));
    ASSERT_TRUE(g->sync());
    ASSERT_TRUE(fs.sync_dir("d"));
    fs.crash(crash_mode::drop_unsynced);
    EXPECT_EQ(text(fs.contents("d/new")), "data");
}

TEST(FaultInjectingFilesystem, UnsyncedRenameUndoneOnCrash) {
    fault_injecting_filesystem fs;
    auto f = durable_file(fs, "payload");
    f.reset();
    ASSERT_TRUE(fs.rename("d/f", "d/g"));
    fs.crash(crash_mode::drop_unsynced);
    EXPECT_EQ(text(fs.contents("d/f")), "payload");
    EXPECT_FALSE(fs.exists("d/g"));

    ASSERT_TRUE(fs.rename("d/f", "d/g"));
    ASSERT_TRUE(fs.sync_dir("d"));
    fs.crash(crash_mode::drop_unsynced);
    EXPECT_FALSE(fs.exists("d/f"));
    EXPECT_EQ(text(fs.contents("d/g")), "payload");  // the data moved with the entry
}

TEST(FaultInjectingFilesystem, UnsyncedRemoveUndoneOnCrash) {
    fault_injecting_filesystem fs;
    auto f = durable_file(fs, "kept");
    ASSERT_TRUE(f->append(as_bytes_view(" but not this")));
    ASSERT_TRUE(fs.remove("d/f"));
    EXPECT_FALSE(fs.exists("d/f"));
    fs.crash(crash_mode::drop_unsynced);
    EXPECT_EQ(text(fs.contents("d/f")), "kept");

    ASSERT_TRUE(fs.remove_all("d"));
    fs.crash(crash_mode::drop_unsynced);  // the root was never synced
    EXPECT_EQ(text(fs.contents("d/f")), "kept");
    ASSERT_TRUE(fs.remove_all("d"));
    ASSERT_TRUE(fs.sync_dir("/"));
    fs.crash(crash_mode::drop_unsynced);
    EXPECT_FALSE(fs.exists("d"));
}

TEST(FaultInjectingFilesystem, FailedSyncMakesNothingDurable) {
    fault_injecting_filesystem fs;
    auto f = durable_file(fs, "a");  // 1 file sync + 1 sync_dir
    fs.fail_sync_after(1);
    ASSERT_TRUE(f->append(as_bytes_view("b")));
    ASSERT_TRUE(f->sync());  // the one sync still allowed
    ASSERT_TRUE(f->append(as_bytes_view("c")));
    EXPECT_EQ(f->sync().error(), std::errc::io_error);
    EXPECT_EQ(f->sync().error(), std::errc::io_error);  // and every later one
    auto g = must_open(fs, "d/g", open_mode::create);
    EXPECT_EQ(fs.sync_dir("d").error(), std::errc::io_error);
    EXPECT_EQ(text(fs.contents("d/f")), "abc");  // still readable until the crash
    fs.crash(crash_mode::drop_unsynced);
    EXPECT_EQ(text(fs.contents("d/f")), "ab");
    EXPECT_FALSE(fs.exists("d/g"));

    // crash() cleared the fault.
    auto h = must_open(fs, "d/f", open_mode::read_write);
    EXPECT_TRUE(h->sync());
    fs.fail_sync_after(0);
    EXPECT_EQ(h->sync().error(), std::errc::io_error);
    fs.clear_faults();
    EXPECT_TRUE(h->sync());
}

TEST(FaultInjectingFilesystem, FailWriteAfterN) {
    fault_injecting_filesystem fs;
    auto f = must_open(fs, "f", open_mode::create);
    fs.fail_write_after(2);
    EXPECT_TRUE(f->append(as_bytes_view("1")));
    EXPECT_TRUE(f->write_at(file_pos(1), as_bytes_view("2")));
    EXPECT_EQ(f->append(as_bytes_view("3")).error(), std::errc::io_error);
    EXPECT_EQ(f->write_at(file_pos(0), as_bytes_view("x")).error(), std::errc::io_error);
    EXPECT_EQ(text(fs.contents("f")), "12");
    EXPECT_TRUE(f->sync());  // only writes fail
    fs.clear_faults();
    EXPECT_TRUE(f->append(as_bytes_view("3")));
    EXPECT_EQ(text(fs.contents("f")), "123");
}

TEST(FaultInjectingFilesystem, FailReadsUntilCleared) {
    fault_injecting_filesystem fs;
    auto f = must_open(fs, "f", open_mode::create);
    ASSERT_TRUE(f->append(as_bytes_view("abc")));
    std::array<std::byte, 3> buf{};
    fs.fail_reads();
    EXPECT_EQ(f->read_at(file_pos(0), buf).error(), std::errc::io_error);
    EXPECT_TRUE(f->append(as_bytes_view("d")));  // only reads fail
    fs.clear_faults();
    auto n = f->read_at(file_pos(0), buf);
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 3u);
    EXPECT_EQ(buf[2], std::byte{'c'});
}

TEST(FaultInjectingFilesystem, SpaceLimitShortWriteThenEnospc) {
    fault_injecting_filesystem fs;
    auto a = must_open(fs, "a", open_mode::create);
    auto b = must_open(fs, "b", open_mode::create);
    ASSERT_TRUE(a->append(as_bytes_view("aaaa")));
    fs.set_space_limit(10);
    ASSERT_TRUE(b->append(as_bytes_view("bb")));
    EXPECT_EQ(fs.used_bytes(), 6u);
    EXPECT_EQ(b->append(as_bytes_view("123456")).error(), std::errc::no_space_on_device);
    EXPECT_EQ(text(fs.contents("b")), "bb1234");  // the short write: what fit
    EXPECT_EQ(b->size(), 6u);
    EXPECT_EQ(fs.used_bytes(), 10u);
    EXPECT_EQ(a->append(as_bytes_view("x")).error(), std::errc::no_space_on_device);
    EXPECT_EQ(text(fs.contents("a")), "aaaa");
    EXPECT_TRUE(a->write_at(file_pos(0), as_bytes_view("AAAA")));  // overwrites need no space
    EXPECT_EQ(a->write_at(file_pos(2), as_bytes_view("xyz")).error(), std::errc::no_space_on_device);
    EXPECT_EQ(text(fs.contents("a")), "AAxy");

    ASSERT_TRUE(b->truncate(2));  // freeing space lets writes through again
    EXPECT_TRUE(a->append(as_bytes_view("1234")));
    EXPECT_EQ(fs.used_bytes(), 10u);
    ASSERT_TRUE(fs.remove("a"));
    EXPECT_EQ(fs.used_bytes(), 2u);
    fs.set_space_limit(std::nullopt);
    EXPECT_TRUE(b->append(std::vector<std::byte>(100)));
    EXPECT_EQ(fs.used_bytes(), 102u);
}

TEST(FaultInjectingFilesystem, PowerCutAfterWrites) {
    fault_injecting_filesystem fs;
    auto f = durable_file(fs, "s");
    fs.power_cut_after_writes(2);
    EXPECT_TRUE(f->append(as_bytes_view("1")));
    EXPECT_TRUE(f->append(as_bytes_view("2")));
    // The machine is dead: every call fails.
    EXPECT_EQ(f->append(as_bytes_view("3")).error(), std::errc::io_error);
    EXPECT_EQ(f->sync().error(), std::errc::io_error);
    EXPECT_EQ(f->truncate(0).error(), std::errc::io_error);
    std::vector<std::byte> buf(4);
    EXPECT_EQ(f->read_at(file_pos(0), buf).error(), std::errc::io_error);
    EXPECT_EQ(fs.open("d/f", open_mode::read_only).error(), std::errc::io_error);
    EXPECT_EQ(fs.open("d/new", open_mode::create).error(), std::errc::io_error);
    EXPECT_EQ(fs.list("d").error(), std::errc::io_error);
    EXPECT_EQ(fs.create_directories("e").error(), std::errc::io_error);
    EXPECT_EQ(fs.rename("d/f", "d/g").error(), std::errc::io_error);
    EXPECT_EQ(fs.remove("d/f").error(), std::errc::io_error);
    EXPECT_EQ(fs.remove_all("d").error(), std::errc::io_error);
    EXPECT_EQ(fs.sync_dir("d").error(), std::errc::io_error);
    EXPECT_FALSE(fs.exists("d/f"));
    EXPECT_EQ(fs.writes(), 3u);  // 1 in durable_file + 2 before the cut; none after it
    fs.crash(crash_mode::drop_unsynced);
    EXPECT_EQ(text(fs.contents("d/f")), "s");
    auto g = must_open(fs, "d/f", open_mode::read_write);
    EXPECT_TRUE(g->append(as_bytes_view("ok")));
    EXPECT_EQ(f->append(as_bytes_view("x")).error(), std::errc::io_error);  // still dead

    fs.power_cut_after_writes(0);  // now
    EXPECT_EQ(g->append(as_bytes_view("x")).error(), std::errc::io_error);
}

TEST(FaultInjectingFilesystem, OldHandlesDeadAfterCrash) {
    fault_injecting_filesystem fs;
    auto f = durable_file(fs, "abc");
    auto ro = must_open(fs, "d/f", open_mode::read_only);
    fs.crash(crash_mode::drop_unsynced);
    std::vector<std::byte> buf(3);
    for (file* h : {f.get(), ro.get()}) {
        EXPECT_EQ(h->read_at(file_pos(0), buf).error(), std::errc::io_error);
        EXPECT_EQ(h->append(as_bytes_view("x")).error(), std::errc::io_error);
        EXPECT_EQ(h->write_at(file_pos(0), as_bytes_view("x")).error(), std::errc::io_error);
        EXPECT_EQ(h->sync().error(), std::errc::io_error);
        EXPECT_EQ(h->truncate(0).error(), std::errc::io_error);
    }
    EXPECT_EQ(f->size(), 3u);  // the last size it saw
    EXPECT_EQ(text(fs.contents("d/f")), "abc");
    auto g = must_open(fs, "d/f", open_mode::read_write);
    EXPECT_EQ(read_all(*g), "abc");
}

TEST(FaultInjectingFilesystem, WriteAndSyncCounters) {
    fault_injecting_filesystem fs;
    EXPECT_EQ(fs.writes(), 0u);
    EXPECT_EQ(fs.syncs(), 0u);
    auto f = must_open(fs, "f", open_mode::create);
    ASSERT_TRUE(f->append(as_bytes_view("a")));
    ASSERT_TRUE(f->write_at(file_pos(0), as_bytes_view("b")));
    ASSERT_TRUE(f->truncate(0));  // not a write
    ASSERT_TRUE(f->sync());
    ASSERT_TRUE(fs.sync_dir("/"));
    EXPECT_EQ(fs.writes(), 2u);
    EXPECT_EQ(fs.syncs(), 2u);
    fs.fail_write_after(0);
    fs.fail_sync_after(0);
    EXPECT_FALSE(f->append(as_bytes_view("c")));  // failed attempts count too
    EXPECT_FALSE(f->sync());
    EXPECT_EQ(fs.writes(), 3u);
    EXPECT_EQ(fs.syncs(), 3u);
    fs.crash(crash_mode::drop_unsynced);
    EXPECT_EQ(fs.writes(), 3u);  // counters run since construction
}

TEST(FaultInjectingFilesystem, CorruptChangesDurableBytes) {
    fault_injecting_filesystem fs;
    auto f = durable_file(fs, "0123456789");
    fs.corrupt("d/f", 3, as_bytes_view("XY"));
    EXPECT_EQ(text(fs.contents("d/f")), "012XY56789");
    EXPECT_EQ(read_all(*f), "012XY56789");
    fs.crash(crash_mode::drop_unsynced);
    EXPECT_EQ(text(fs.contents("d/f")), "012XY56789");
}

// write_file_atomic leaves the old or the new contents whatever write or sync the power
// fails at, and however the unsynced tail tears.
TEST(FaultInjectingFilesystem, WriteFileAtomicIsAtomicAtEveryCrashPoint) {
    for (uint64_t cut = 0; cut < 4; ++cut) {
        for (uint64_t seed = 1; seed <= 20; ++seed) {
            fault_injecting_filesystem fs(seed);
            ASSERT_TRUE(fs.create_directories("m"));
            ASSERT_TRUE(write_file_atomic(fs, "m/meta", as_bytes_view("old")));
            fs.power_cut_after_writes(cut);
            const bool done = write_file_atomic(fs, "m/meta", as_bytes_view("new contents")).has_value();
            fs.crash(crash_mode::torn_tail);
            auto got = read_file(fs, "m/meta", 100);
            ASSERT_TRUE(got);
            const auto s = std::string(as_string_view(*got));
            if (done) {
                EXPECT_EQ(s, "new contents");
            } else {
                EXPECT_TRUE(s == "old" || s == "new contents") << "cut " << cut << " seed " << seed << ": " << s;
            }
        }
    }
    for (uint64_t fail_at = 0; fail_at < 3; ++fail_at) {
        fault_injecting_filesystem fs(fail_at);
        ASSERT_TRUE(fs.create_directories("m"));
        ASSERT_TRUE(write_file_atomic(fs, "m/meta", as_bytes_view("old")));
        fs.fail_sync_after(fail_at);
        const bool done = write_file_atomic(fs, "m/meta", as_bytes_view("new")).has_value();
        EXPECT_EQ(done, fail_at >= 2);
        fs.crash(crash_mode::torn_tail);
        auto got = read_file(fs, "m/meta", 100);
        ASSERT_TRUE(got);
        const auto s = std::string(as_string_view(*got));
        EXPECT_EQ(s, done ? "new" : "old") << "fail_at " << fail_at;
    }
}

TEST(FaultInjectingFilesystem, ConcurrentWritersOnDifferentFiles) {
    fault_injecting_filesystem fs;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&fs, t] {
            auto f = fs.open(numbered("f", t), open_mode::create);
            ASSERT_TRUE(f);
            for (int i = 0; i < 200; ++i) {
                ASSERT_TRUE((*f)->append(as_bytes_view("x")));
            }
            ASSERT_TRUE((*f)->sync());
        });
    }
    for (auto& th : threads) {
        th.join();
    }
    EXPECT_EQ(fs.used_bytes(), 800u);
    EXPECT_EQ(fs.writes(), 800u);
}

}  // namespace
}  // namespace fjord::io::testing
