// log: reads (whole batches as file ranges), header scans, and lookup by timestamp.
#include <algorithm>

#include "base/errc.h"
#include "storage/batch_scanner.h"
#include "storage/log.h"

namespace fjord::storage {

result<read_result> log::read(const read_options& opts) const {
    std::lock_guard lock(mu_);
    const offset end = visible_end_locked();
    if (opts.start < start_offset_ || opts.start > end) {
        return errc::out_of_range;
    }
    read_result out{.next_offset = opts.start};
    if (opts.start == end) {
        return out;
    }
    // Whole batches only, none past the visible end.
    const offset max_offset = opts.max_offset ? std::min(*opts.max_offset, end - 1) : end - 1;
    offset want = opts.start;
    for (size_t i = segment_index_for(want); i < segments_.size(); ++i) {
        const auto& seg = segments_[i];
        auto loc = seg->locate(want);
        if (!loc) {
            return loc.error();
        }
        if (!*loc) {
            continue;  // nothing at or after `want` here (e.g. compacted away): next segment
        }
        batch_scanner scan(seg->log_file(), (*loc)->position, seg->size_bytes(), /*verify_crc=*/false);
        bool budget_left = true;
        while (auto h = scan.next()) {
            const bool first = out.slices.empty();
            if (h->last_offset() > max_offset ||
                (!first && out.total_bytes + h->size_bytes() > opts.max_bytes)) {
                budget_left = false;
                break;
            }
            const uint64_t pos = scan.batch_position();
            if (!first && out.slices.back().seg == seg && out.slices.back().position + out.slices.back().length == pos) {
                out.slices.back().length += h->size_bytes();
                out.slices.back().last_offset = h->last_offset();
            } else {
                out.slices.push_back({.seg = seg,
                                      .position = pos,
                                      .length = h->size_bytes(),
                                      .first_offset = h->base_offset,
                                      .last_offset = h->last_offset()});
            }
            out.total_bytes += h->size_bytes();
            out.next_offset = h->next_offset();
            want = h->next_offset();
        }
        if (scan.stop_reason() == batch_scanner::stop::io_error) {
            return errc::io_error;
        }
        if (!budget_left || out.total_bytes >= opts.max_bytes) {
            break;
        }
    }
    return out;
}

result<void> log::scan_headers(offset from, const std::function<void(const record::batch_header&)>& fn) const {
    struct segment_range {
        std::shared_ptr<segment> seg;
        uint64_t start = 0;
        uint64_t end = 0;
    };
    std::vector<segment_range> ranges;
    offset end;
    {
        std::lock_guard lock(mu_);
        end = visible_end_locked();
        from = std::max(from, start_offset_);
        if (from >= end) {
            return ok();
        }
        for (size_t i = segment_index_for(from); i < segments_.size(); ++i) {
            auto loc = segments_[i]->locate(from);
            if (!loc) {
                return loc.error();
            }
            if (*loc) {
                ranges.push_back({segments_[i], (*loc)->position, segments_[i]->size_bytes()});
            }
        }
    }
    for (const auto& r : ranges) {
        batch_scanner scan(r.seg->log_file(), r.start, r.end, /*verify_crc=*/false);
        while (auto h = scan.next()) {
            if (h->base_offset >= end) {
                return ok();
            }
            if (h->last_offset() >= from) {
                fn(*h);
            }
        }
        if (scan.stop_reason() == batch_scanner::stop::io_error) {
            return errc::io_error;
        }
        const bool damaged = scan.stop_reason() == batch_scanner::stop::corrupt ||
                             scan.stop_reason() == batch_scanner::stop::torn;
        if (damaged && &r != &ranges.back()) {
            return errc::corrupt_data;  // a sealed segment that does not parse to its end
        }
    }
    return ok();
}

result<std::optional<timestamp_lookup>> log::find_offset_by_timestamp(timestamp_ms ts) const {
    std::lock_guard lock(mu_);
    const offset end = visible_end_locked();
    for (const auto& seg : segments_) {
        if (seg->empty() || seg->max_timestamp() < ts || seg->next_offset() <= start_offset_) {
            continue;
        }
        auto loc = seg->locate_time(ts);
        if (!loc) {
            return loc.error();
        }
        if (!*loc) {
            continue;
        }
        // The batch found has max timestamp >= ts; the answer is its first record at or
        // after ts (and at or after the start offset), or failing that a later batch's.
        batch_scanner scan(seg->log_file(), (*loc)->position, seg->size_bytes(), /*verify_crc=*/false);
        while (auto h = scan.next()) {
            if (h->base_offset >= end) {
                return std::optional<timestamp_lookup>{};
            }
            if (h->max_timestamp < ts || h->last_offset() < start_offset_) {
                continue;
            }
            auto batch = seg->read(scan.batch_position(), h->size_bytes());
            if (!batch) {
                return batch.error();
            }
            auto records = record::decode_records(*batch, config_.decompress_limit_bytes);
            if (!records) {
                return records.error();
            }
            for (const auto& r : *records) {
                if (r.timestamp >= ts && r.abs_offset >= start_offset_ && r.abs_offset < end) {
                    return std::optional<timestamp_lookup>{timestamp_lookup{r.abs_offset, r.timestamp}};
                }
            }
        }
        if (scan.stop_reason() == batch_scanner::stop::io_error) {
            return errc::io_error;
        }
    }
    return std::optional<timestamp_lookup>{};
}

}  // namespace fjord::storage
