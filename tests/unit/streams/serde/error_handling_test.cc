// Tests for the decode error policy factories and the dead-letter headers.
#include <string>

#include <gtest/gtest.h>

#include "fjord/streams/error_handling.hpp"

namespace fjord::streams {
namespace {

TEST(DecodeErrorPolicyTest, Factories) {
  EXPECT_EQ(decode_errors::fail().act, decode_error_policy::action::fail);
  EXPECT_EQ(decode_errors::skip().act, decode_error_policy::action::skip);
  const auto dlq = decode_errors::dead_letter("app.dlq");
  EXPECT_EQ(dlq.act, decode_error_policy::action::dead_letter);
  EXPECT_EQ(dlq.dead_letter_topic, "app.dlq");
  EXPECT_EQ(decode_error_policy{}, decode_errors::fail());
  EXPECT_THROW(decode_errors::dead_letter(""), streams_error);
}

TEST(DecodeErrorPolicyTest, DeadLetterHeadersFollowTheOriginalOnes) {
  header_list h{{"trace", "abc"}};
  add_dead_letter_headers(h, decode_error("json: parse error"), record_metadata{"payments", 3, 42});
  EXPECT_EQ(h, (header_list{{"trace", "abc"},
                            {"fjord.error.message", "json: parse error"},
                            {"fjord.error.topic", "payments"},
                            {"fjord.error.partition", "3"},
                            {"fjord.error.offset", "42"}}));
}

}  // namespace
}  // namespace fjord::streams
