// fjord-broker: parse the command line, load the configuration, run the broker.
#include <cstdio>
#include <string>
#include <vector>

#include "app/broker.h"
#include "app/command_line.h"

int main(int argc, char** argv) {
    using namespace fjord::app;
    std::vector<std::string> args(argv + 1, argv + argc);
    auto cmd = parse_command_line(args);
    if (!cmd.value) {
        std::fprintf(stderr, "fjord-broker: %s\n", cmd.error.c_str());
        return 2;
    }
    if (cmd.value->help) {
        std::fputs(usage().c_str(), stdout);
        return 0;
    }
    if (cmd.value->help_config) {
        std::fputs(config_reference_markdown().c_str(), stdout);
        return 0;
    }
    auto config = load_config(cmd.value->config_path, cmd.value->overrides);
    if (!config.value) {
        std::fprintf(stderr, "fjord-broker: %s\n", config.error.c_str());
        return 2;
    }
    return run_broker(*config.value);
}
