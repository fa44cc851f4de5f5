// CPU seconds (user + system) this process has used so far: the denominator of every
// "per core" figure the examples and benchmarks report (NEXMark's definition).
#pragma once

#include <sys/resource.h>

namespace examples {

inline double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  auto secs = [](const timeval& tv) { return double(tv.tv_sec) + double(tv.tv_usec) / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

}  // namespace examples
