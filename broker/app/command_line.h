// fjord-broker's command line: --config FILE [--set key=value ...] [--help] [--help-config].
#pragma once

#include <string>
#include <vector>

#include "app/broker_config.h"

namespace fjord::app {

struct command_line {
    std::string config_path;
    std::vector<key_value> overrides;  // in order; later ones win
    bool help = false;
    bool help_config = false;  // print the key table as Markdown
};

config_outcome<command_line> parse_command_line(const std::vector<std::string>& args);

std::string usage();

// Every key of the table as a Markdown table (key, default, meaning): docs/operations.md
// holds exactly this text between its "config-keys" markers.
std::string config_reference_markdown();

}  // namespace fjord::app
