// fjord-streams: topology, the entry point of the DSL.
//
//   topology t{"fraud-app"};                 // application.id: group id and topic prefix
//   t.stream(payments).filter(...).to(high_risk);
//
// A topology owns its graph; the stream and table handles it returns point into it and
// must not outlive it. It is built once, then run by the runtime (runtime/app.hpp) or the
// test driver (testing/test_driver.hpp); building is not thread-safe, running is.
#pragma once

#include <memory>
#include <sstream>
#include <string>

#include "fjord/streams/dsl/stream.hpp"
#include "fjord/streams/dsl/table.hpp"

namespace fjord::streams {

class topology {
 public:
  explicit topology(std::string application_id) : graph_(std::make_unique<graph>(std::move(application_id))) {
    if (graph_->application_id().empty()) throw streams_error("topology: application.id must not be empty");
  }

  const std::string& application_id() const { return graph_->application_id(); }
  const graph& blueprint() const { return *graph_; }
  graph& blueprint() { return *graph_; }

  // The records of `t`. Event time is the record timestamp unless `extract` is given.
  template <class K, class V, class KS, class VS>
  streams::stream<K, V> stream(const topic<K, V, KS, VS>& t,
                               std::type_identity_t<timestamp_extractor<K, V>> extract = {}) {
    if (t.name.empty()) throw streams_error("stream: the topic needs a name");
    return streams::stream<K, V>::template from_topic<KS, VS>(graph_.get(), t.name, std::move(extract));
  }

  // The latest value per key of `t`, materialised in `store`; a null value deletes.
  // Defined in dsl/table_nodes.hpp.
  template <class K, class V, class KS, class VS, store_spec S>
  streams::table<K, V, KS, VS> table(const topic<K, V, KS, VS>& t, S store);

  // One line per sub-topology: its sources, stores and sinks.
  std::string describe() const {
    std::ostringstream out;
    for (const auto& s : graph_->subtopologies()) {
      out << "sub-topology " << s.id << ": sources [";
      for (std::size_t i = 0; i < s.source_topics.size(); ++i) out << (i ? ", " : "") << s.source_topics[i];
      out << "] stores [";
      for (std::size_t i = 0; i < s.stores.size(); ++i) out << (i ? ", " : "") << s.stores[i];
      out << "] sinks [";
      for (std::size_t i = 0; i < s.sink_topics.size(); ++i) out << (i ? ", " : "") << s.sink_topics[i];
      out << "]\n";
    }
    return out.str();
  }

 private:
  std::unique_ptr<graph> graph_;  // stable address: handles keep a pointer
};

}  // namespace fjord::streams
