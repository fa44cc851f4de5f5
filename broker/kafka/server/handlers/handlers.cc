#include <algorithm>

#include "kafka/server/handlers/alter_configs.h"
#include "kafka/server/handlers/api_versions.h"
#include "kafka/server/handlers/create_partitions.h"
#include "kafka/server/handlers/create_topics.h"
#include "kafka/server/handlers/delete_groups.h"
#include "kafka/server/handlers/delete_records.h"
#include "kafka/server/handlers/delete_topics.h"
#include "kafka/server/handlers/describe_configs.h"
#include "kafka/server/handlers/describe_groups.h"
#include "kafka/server/handlers/fetch.h"
#include "kafka/server/handlers/find_coordinator.h"
#include "kafka/server/handlers/handler.h"
#include "kafka/server/handlers/heartbeat.h"
#include "kafka/server/handlers/init_producer_id.h"
#include "kafka/server/handlers/join_group.h"
#include "kafka/server/handlers/leave_group.h"
#include "kafka/server/handlers/list_groups.h"
#include "kafka/server/handlers/list_offsets.h"
#include "kafka/server/handlers/metadata.h"
#include "kafka/server/handlers/offset_commit.h"
#include "kafka/server/handlers/offset_delete.h"
#include "kafka/server/handlers/offset_fetch.h"
#include "kafka/server/handlers/produce.h"
#include "kafka/server/handlers/sync_group.h"

namespace fjord::kafka {
namespace {

// The supported-API registry. Sorted by key.
using registry = handler_list<produce_handler, fetch_handler, list_offsets_handler, metadata_handler,
                              offset_commit_handler, offset_fetch_handler, find_coordinator_handler,
                              join_group_handler, heartbeat_handler, leave_group_handler, sync_group_handler,
                              describe_groups_handler, list_groups_handler, api_versions_handler,
                              create_topics_handler, delete_topics_handler, delete_records_handler,
                              init_producer_id_handler, describe_configs_handler, alter_configs_handler,
                              create_partitions_handler, delete_groups_handler, offset_delete_handler>;

constexpr bool sorted_by_key() {
    for (size_t i = 1; i < registry::entries.size(); ++i) {
        if (registry::entries[i - 1].key >= registry::entries[i].key) {
            return false;
        }
    }
    return true;
}
static_assert(sorted_by_key(), "keep the registry sorted by API key");

}  // namespace

std::span<const handler_entry> handler_table() { return registry::entries; }

const handler_entry* find_handler(int16_t key) {
    for (const auto& e : registry::entries) {
        if (e.key == key) {
            return &e;
        }
    }
    return nullptr;
}

}  // namespace fjord::kafka
