// fjord-streams: every join of the DSL — include this to use stream::join / left_join /
// outer_join and table::join / left_join / outer_join.
//
//   join_stream_table.hpp   stream–table inner / left (lookup in the table's store)
//   join_stream_stream.hpp  stream–stream inner / left / outer within join_windows
//   join_table_table.hpp    table–table inner / left / outer (materialised result)
//   join_common.hpp         join_mode, the joiner call forms, two-input node plumbing
//   join_pending.hpp        the left/outer "still unmatched" store layout
//
// Every join requires its inputs to be partitioned by key (a join after map()/flat_map()/
// process() without rekey/repartition throws streams_error while building) and places
// them in one sub-topology through the stores its node lists.
#pragma once

#include "fjord/streams/dsl/join_stream_stream.hpp"
#include "fjord/streams/dsl/join_stream_table.hpp"
#include "fjord/streams/dsl/join_table_table.hpp"
#include "fjord/streams/dsl/table_nodes.hpp"
