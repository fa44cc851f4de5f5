// The `fjord` executable: global options, the subcommand tree, exit codes.
//
// Exit codes (docs/cli.md): 0 success (also --help), 1 runtime failure, 2 usage error
// (bad command line, bad option value, bad -X property). Failures print one line to
// stderr: "fjord: error: <what went wrong and how to fix it>".
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/commands/commands.h"

int main(int argc, char** argv) {
    using namespace fjord::cli;
    CLI::App app{"fjord: the Fjord command-line tool. Talks the Kafka protocol to fjord-broker (or any Kafka broker).",
                 "fjord"};
    app.set_help_all_flag("--help-all", "Print help for every command");
    app.require_subcommand(1);
    app.fallthrough();  // global options may follow the subcommand: `fjord topic list -b host:port`

    global_options g;
    app.add_option("-b,--bootstrap-server", g.bootstrap, "Broker to bootstrap from, HOST:PORT[,HOST:PORT...]")
        ->envname("FJORD_BOOTSTRAP_SERVER")
        ->capture_default_str();
    app.add_option("-X", g.properties, "librdkafka property key=value (repeatable), e.g. -X linger.ms=10")
        ->allow_extra_args(false);
    app.add_option("--timeout", g.timeout_s, "Seconds to wait for the broker in admin calls and connecting")
        ->check(CLI::Range(1, 86400))
        ->capture_default_str();
    app.add_flag("-v,--verbose", g.verbose, "Show librdkafka's own log and error lines");

    action chosen;
    add_topic_commands(app, g, chosen);
    add_produce_command(app, g, chosen);
    add_consume_command(app, g, chosen);
    add_cluster_commands(app, g, chosen);
    add_perf_commands(app, g, chosen);
    add_group_commands(app, g, chosen);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);  // prints help, or the error and a hint
        return code == 0 ? exit_ok : exit_usage_error;
    }
    if (!chosen) {
        fmt::print(stderr, "fjord: error: no command given (see `fjord --help`)\n");
        return exit_usage_error;
    }
    auto result = chosen();
    if (!result) {
        fmt::print(stderr, "fjord: error: {}\n", result.error().message);
        return result.error().exit_code;
    }
    return exit_ok;
}
