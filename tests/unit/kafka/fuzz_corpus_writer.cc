// Writes the seed corpus of tests/fuzz/request_decode_fuzzer.cc: for every request type and
// every version we serve, two sample encodings (fill_sample seeds 0 and 1), each as
// api key (int16) + version (int16) + body. Usage: kafka_fuzz_corpus_writer DIR
#include <cstdio>
#include <fstream>
#include <string>
#include <tuple>

#include "kafka/protocol/samples.h"

namespace {

using namespace fjord;
using namespace fjord::kafka;

template<typename T>
void write_samples(const std::string& dir) {
    for (int16_t v = T::version_min; v <= T::version_max; ++v) {
        for (int seed = 0; seed < 2; ++seed) {
            T m;
            testing::fill_sample(m, v, seed);
            writer w;
            w.write_int<int16_t>(T::key);
            w.write_int<int16_t>(v);
            m.encode(w, v);
            std::string path = dir + "/" + std::string(T::message_name) + "-v" + std::to_string(v) + "-" +
                               std::to_string(seed) + ".bin";
            std::ofstream out(path, std::ios::binary);
            out.write(reinterpret_cast<const char*>(w.view().data()), static_cast<std::streamsize>(w.size()));
        }
    }
}

template<typename... Ts>
void write_all(const std::string& dir, std::variant<Ts...>*) {
    (write_samples<Ts>(dir), ...);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    write_all(argv[1], static_cast<request*>(nullptr));
    return 0;
}
