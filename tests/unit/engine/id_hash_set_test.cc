#include "engine/id_hash_set.h"

#include <gtest/gtest.h>

namespace crmsync {
namespace id_hash_set_test {

TEST(IdHashSet, FindsEveryRepeatThroughGrowth) {
  IdHashSet s;
  for (uint64_t i = 0; i < 100000; ++i) ASSERT_TRUE(s.insert(i * 0x9E3779B97F4A7C15ull)) << i;
  for (uint64_t i = 0; i < 100000; ++i) {
    ASSERT_TRUE(s.contains(i * 0x9E3779B97F4A7C15ull)) << i;
    ASSERT_FALSE(s.insert(i * 0x9E3779B97F4A7C15ull)) << i;
  }
  EXPECT_FALSE(s.contains(12345));
  EXPECT_FALSE(IdHashSet().contains(0));
}

}  // namespace id_hash_set_test
}  // namespace crmsync
