// The word count example as a program: see word_count.hpp for what it computes and
// common/run_app.hpp for its flags and output.
#include "common/run_app.hpp"
#include "word_count/word_count.hpp"

int main(int argc, char** argv) {
  const auto options = examples::parse_options(argc, argv, "word-count");
  return examples::main_with_signals([&](std::stop_token stop) {
    fjord::streams::topology t{options.app_id};
    word_count::build(t);
    return examples::run_topology(t, options, stop);
  });
}
