// Example: word count. Lines of text in `text-lines` become running counts per word in
// `word-counts` (every update, like Kafka Streams' WordCountDemo). Words are lower-cased
// ASCII letter/digit runs; counting per word goes through the named repartition topic
// `<application.id>-words-repartition`.
#pragma once

#include <cctype>
#include <cstdint>
#include <string>
#include <vector>

#include <fjord/streams.hpp>

namespace word_count {

namespace fs = fjord::streams;

inline const fs::topic<std::string, std::string, fs::utf8, fs::utf8> lines{"text-lines"};
inline const fs::topic<std::string, std::int64_t, fs::utf8, fs::be_i64> counts{"word-counts"};

inline std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  for (char c : line) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

inline void build(fs::topology& t) {
  t.stream(lines)
      .flat_map_values([](const std::string& line) { return words_of(line); })
      .group_by([](const std::string&, const std::string& word) { return word; }, fs::named{"words"})
      .count(fs::store::rocksdb{"word-counts"})
      .to_stream()
      .to(counts);
}

}  // namespace word_count
