// Tests for json<T>: compact encoding, round trips of ADL-converted types, and bad input
// reported as a decode error with nlohmann's message (no exception escapes).
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fjord/streams/serde/json.hpp"

namespace fjord::streams {
namespace {

struct payment {
  std::string card;
  double amount = 0;
  friend bool operator==(const payment&, const payment&) = default;
};
void to_json(nlohmann::json& j, const payment& p) { j = {{"card", p.card}, {"amount", p.amount}}; }
void from_json(const nlohmann::json& j, payment& p) {
  j.at("card").get_to(p.card);
  j.at("amount").get_to(p.amount);
}

TEST(SerdeJsonTest, EncodesCompactly) {
  EXPECT_EQ(encode_to_string<json<payment>>(payment{"4111", 2.5}), R"({"amount":2.5,"card":"4111"})");
  EXPECT_EQ(encode_to_string<json<std::vector<int>>>(std::vector<int>{1, 2}), "[1,2]");
}

TEST(SerdeJsonTest, RoundTrips) {
  const payment p{"4111 1111", 250.75};
  auto r = json<payment>::decode(encode_to_string<json<payment>>(p));
  ASSERT_TRUE(r.ok()) << r.err().message;
  EXPECT_EQ(r.value(), p);

  const std::map<std::string, int> m{{"a", 1}, {"b", 2}};
  EXPECT_EQ((json<std::map<std::string, int>>::decode(R"({"a":1,"b":2})").value()), m);
}

TEST(SerdeJsonTest, SyntaxErrorIsADecodeErrorWithTheParserMessage) {
  for (const char* bad : {"", "{", "{\"card\":", "not json", "[1,2]]"}) {
    auto r = json<payment>::decode(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.err().kind, error_kind::decode);
    EXPECT_NE(r.err().message.find("parse error"), std::string::npos) << r.err().message;
  }
}

TEST(SerdeJsonTest, WrongShapeIsADecodeError) {
  auto missing = json<payment>::decode(R"({"card":"x"})");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.err().message.find("amount"), std::string::npos) << missing.err().message;

  auto wrong_type = json<payment>::decode(R"({"card":1,"amount":2})");
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_NE(wrong_type.err().message.find("type must be string"), std::string::npos)
      << wrong_type.err().message;
}

TEST(SerdeJsonTest, InvalidUtf8InAStringDoesNotThrowOnEncode) {
  std::string out;
  EXPECT_NO_THROW(json<std::string>::encode("\xff", out));
  EXPECT_EQ(out, "\"\xef\xbf\xbd\"");  // U+FFFD
}

}  // namespace
}  // namespace fjord::streams
