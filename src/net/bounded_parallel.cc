#include "net/bounded_parallel.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace crmsync::net {

void run_bounded_parallel(size_t count, size_t max_parallel,
                          const std::function<void(size_t)>& task) {
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) task(i);
  };
  size_t threads = std::min(count, std::max<size_t>(max_parallel, 1));
  std::vector<std::thread> helpers;
  for (size_t t = 1; t < threads; ++t) helpers.emplace_back(worker);
  worker();
  for (std::thread& h : helpers) h.join();
}

}  // namespace crmsync::net
