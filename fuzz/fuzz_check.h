#pragma once

#include <cstdio>
#include <cstdlib>

// A property the target checks beyond "does not crash": a failure aborts,
// which libFuzzer reports as a crash and saves the input.
#define FUZZ_CHECK(cond, ...)                                                             \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
      std::fprintf(stderr, "" __VA_ARGS__);                                               \
      std::fprintf(stderr, "\n");                                                         \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)
