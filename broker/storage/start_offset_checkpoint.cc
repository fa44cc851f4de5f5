#include "storage/start_offset_checkpoint.h"

#include "base/errc.h"
#include "record/crc32c.h"

namespace fjord::storage {
namespace {
constexpr uint32_t magic = 0x464A534F;  // "FJSO"
constexpr uint16_t version = 1;
constexpr size_t file_size = 20;

std::string path_in(const std::string& dir) { return dir + "/" + std::string(start_offset_file_name); }
}  // namespace

result<void> write_start_offset(io::filesystem& fs, const std::string& dir, offset start) {
    bytes out(file_size);
    write_be<uint32_t>(out, 0, magic);
    write_be<uint16_t>(out, 4, version);
    write_be<uint16_t>(out, 6, 0);
    write_be<int64_t>(out, 8, start.value());
    write_be<uint32_t>(out, 16, record::crc32c(bytes_view(out).first(16)));
    return io::write_file_atomic(fs, path_in(dir), out);
}

result<std::optional<offset>> read_start_offset(io::filesystem& fs, const std::string& dir) {
    auto data = io::read_file(fs, path_in(dir), 4096);
    if (!data) {
        if (errc_from_system(data.error()) == errc::not_found) {
            return std::optional<offset>{};
        }
        return data.error();
    }
    const bytes_view b = *data;
    if (b.size() != file_size || read_be<uint32_t>(b, 0) != magic || read_be<uint16_t>(b, 4) != version ||
        read_be<uint32_t>(b, 16) != record::crc32c(b.first(16)) || read_be<int64_t>(b, 8) < 0) {
        return errc::corrupt_data;
    }
    return std::optional<offset>{offset{read_be<int64_t>(b, 8)}};
}

}  // namespace fjord::storage
