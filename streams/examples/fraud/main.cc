// The fraud example as a program: see fraud.hpp for what it computes and
// common/run_app.hpp for its flags and output.
#include "common/run_app.hpp"
#include "fraud/fraud.hpp"

int main(int argc, char** argv) {
  const auto options = examples::parse_options(argc, argv, "fraud-detection");
  return examples::main_with_signals([&](std::stop_token stop) {
    fjord::streams::topology t{options.app_id};
    fraud::build(t);
    return examples::run_topology(t, options, stop);
  });
}
