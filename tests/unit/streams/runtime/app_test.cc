// Unit tests: app start-up failures that need no broker (runtime/app.hpp). The broker
// paths are covered by tests/integration/streams/streams_runtime_tests.py.
#include <gtest/gtest.h>

#include <fjord/streams.hpp>
#include <fjord/streams/runtime/app.hpp>

namespace fs = fjord::streams;

namespace {

const fs::topic<std::string, std::string, fs::utf8, fs::utf8> in{"in"}, out{"out"};

TEST(RuntimeApp, StartRejectsABadConfigBeforeTouchingTheNetwork) {
  fs::topology t{"app"};
  t.stream(in).to(out);
  fs::config c;
  c.bootstrap_servers = "127.0.0.1:1";
  c.state_dir = "/tmp/unused";
  c.guarantee = fs::processing_guarantee::exactly_once;
  fs::app a{t, c};
  EXPECT_THROW(a.start(), fs::streams_error);
  EXPECT_EQ(a.state(), fs::app_state::created);
  a.stop();  // nothing to stop: a no-op
  EXPECT_EQ(a.state(), fs::app_state::created);
}

TEST(RuntimeApp, UnreachableBrokerIsAStartupError) {
  fs::topology t{"app"};
  t.stream(in).to(out);
  fs::config c;
  c.bootstrap_servers = "127.0.0.1:1";
  c.state_dir = "/tmp/unused";
  c.startup_timeout = fs::millis{500};
  fs::app a{t, c};
  try {
    a.start();
    FAIL() << "started without a broker";
  } catch (const fs::streams_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot read topic metadata from 127.0.0.1:1"), std::string::npos) << e.what();
  }
}

}  // namespace
