// The checksum does not depend on the order of fields: random records
// (seeded) hash alike however their fields are shuffled, and unlike when a
// value changes.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/checksum.h"
#include "core/record.h"

namespace crmsync {
namespace {

Value random_value(std::mt19937& rng, int depth) {
  switch (rng() % (depth > 1 ? 7 : 9)) {
    case 0:
      return Value();
    case 1:
      return Value(rng() % 2 == 0);
    case 2:
      return Value(static_cast<int64_t>(rng() % 100000) - 50000);
    case 3:
      return Value(
          *Decimal::parse(std::to_string(rng() % 100000) + "." + std::to_string(rng() % 100)));
    case 4:
      return Value("text " + std::to_string(rng() % 1000));
    case 5:
      return Value(Date{static_cast<int32_t>(rng() % 30000)});
    case 6:
      return Value(DateTime{static_cast<int64_t>(rng() % 2000000000) * 1000000,
                            static_cast<int16_t>(static_cast<int>(rng() % 5) * 60 - 120)});
    case 7: {
      Array a;
      for (unsigned i = rng() % 4; i > 0; --i) a.push_back(random_value(rng, depth + 1));
      return Value(std::move(a));
    }
    default: {
      Object o;
      for (unsigned i = rng() % 4; i > 0; --i) {
        o.push_back(Member{"k" + std::to_string(i), random_value(rng, depth + 1)});
      }
      return Value(std::move(o));
    }
  }
}

Record with_order(const std::vector<std::string>& names, const std::vector<Value>& values,
                  const std::vector<size_t>& order) {
  std::vector<std::string> n;
  std::vector<Value> v;
  for (size_t i : order) {
    n.push_back(names[i]);
    v.push_back(values[i]);
  }
  return Record(make_field_names(n), std::move(v));
}

TEST(ChecksumDifferential, FieldOrderDoesNotChangeTheChecksum) {
  std::mt19937 rng(20261206);
  for (int round = 0; round < 500; ++round) {
    size_t count = 1 + rng() % 12;
    std::vector<std::string> names;
    std::vector<Value> values;
    for (size_t i = 0; i < count; ++i) {
      names.push_back("Field_" + std::to_string(i) + (rng() % 2 ? "__c" : ""));
      values.push_back(random_value(rng, 0));
    }
    std::vector<size_t> order(count);
    for (size_t i = 0; i < count; ++i) order[i] = i;
    const uint64_t first = checksum(with_order(names, values, order));
    for (int shuffle = 0; shuffle < 5; ++shuffle) {
      std::shuffle(order.begin(), order.end(), rng);
      EXPECT_EQ(checksum(with_order(names, values, order)), first)
          << "round " << round << " shuffle " << shuffle;
    }
    // A changed value changes it (so the equality above is not vacuous).
    size_t k = rng() % count;
    std::vector<Value> changed = values;
    changed[k] = Value("changed " + std::to_string(round));
    if (!(changed[k] == values[k])) {
      EXPECT_NE(checksum(with_order(names, changed, order)), first) << "round " << round;
    }
  }
}

}  // namespace
}  // namespace crmsync
