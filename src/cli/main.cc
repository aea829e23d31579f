#include <cstdio>

// Placeholder until the CLI lands in this same change series.
int main() {
  std::fprintf(stderr, "crmsync: CLI not built yet\n");
  return 2;
}
