// sendfile_bound: the bound for consuming from page cache — a file already in the page
// cache sent over loopback TCP with sendfile(2) and read by a client that discards it, one
// stream. No protocol, no parsing: the least work any broker's consume path can do.
//
//   sendfile_bound FILE_BYTES SCRATCH_DIR
// Prints one JSON object: {"bytes": N, "seconds": S, "mb_per_sec": R}.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace {

[[noreturn]] void die(const char* what) {
    std::perror(what);
    std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: sendfile_bound FILE_BYTES SCRATCH_DIR\n");
        return 2;
    }
    const size_t total = std::strtoull(argv[1], nullptr, 10);
    const std::string path = std::string(argv[2]) + "/sendfile_bound.dat";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        die("open");
    }
    std::vector<char> chunk(1 << 20);
    for (size_t i = 0; i < chunk.size(); ++i) {
        chunk[i] = static_cast<char>(i * 131 + 7);
    }
    for (size_t written = 0; written < total;) {
        const size_t n = std::min(chunk.size(), total - written);
        if (::write(fd, chunk.data(), n) != static_cast<ssize_t>(n)) {
            die("write");
        }
        written += n;
    }

    int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        ::listen(listener, 1) != 0 || ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        die("listen");
    }
    size_t received = 0;
    std::thread reader([&] {
        int s = ::socket(AF_INET, SOCK_STREAM, 0);
        if (::connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            die("connect");
        }
        std::vector<char> buf(1 << 20);
        for (;;) {
            const ssize_t n = ::read(s, buf.data(), buf.size());
            if (n <= 0) {
                break;
            }
            received += static_cast<size_t>(n);
        }
        ::close(s);
    });
    int conn = ::accept(listener, nullptr, nullptr);
    if (conn < 0) {
        die("accept");
    }
    const auto start = std::chrono::steady_clock::now();
    off_t pos = 0;
    while (static_cast<size_t>(pos) < total) {
        const ssize_t n = ::sendfile(conn, fd, &pos, std::min<size_t>(total - static_cast<size_t>(pos), 1 << 20));
        if (n <= 0) {
            die("sendfile");
        }
    }
    ::shutdown(conn, SHUT_WR);
    reader.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ::close(conn);
    ::close(listener);
    ::close(fd);
    ::unlink(path.c_str());
    if (received != total) {
        std::fprintf(stderr, "received %zu of %zu bytes\n", received, total);
        return 1;
    }
    std::printf("{\"bytes\": %zu, \"seconds\": %.6f, \"mb_per_sec\": %.1f}\n", total, seconds,
                static_cast<double>(total) / seconds / 1e6);
    return 0;
}
