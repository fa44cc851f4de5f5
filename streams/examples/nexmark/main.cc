// nexmark: run one NEXMark query against a Kafka cluster (mode B). Reads `nexmark-events`,
// writes `nexmark-q<N>`; flags as every example (common/run_app.hpp) plus --query qN.
#include "common/run_app.hpp"
#include "nexmark/queries.hpp"

int main(int argc, char** argv) {
  namespace nx = fjord::streams::nexmark;
  std::string query;
  const auto options = examples::parse_options(argc, argv, "nexmark", [&](const std::string& flag, const std::string& v) {
    if (flag != "--query") return false;
    query = v;
    return true;
  });
  auto build = nx::query_named(query);
  if (build == nullptr) examples::usage(argv[0], "--query must be one of q0 q1 q2 q3 q5 q7 q8 q11");
  return examples::main_with_signals([&](std::stop_token stop) {
    fjord::streams::topology t{options.app_id + "-" + query};
    build(t);
    return examples::run_topology(t, options, stop);
  });
}
