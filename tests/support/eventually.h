#pragma once

#include <chrono>
#include <thread>

namespace crmsync::testing {

// Whether `pred` came true within `limit`, asked every 2 ms: for what a
// background thread does soon but at no moment a test can name.
template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace crmsync::testing
