// Decimal arithmetic against a reference: decimal_reference.tsv holds 1500
// random pairs (seeded) with their exact sum, difference, product and order
// as Python's decimal module computes them (decimal_reference_gen.py).
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "core/decimal.h"

namespace crmsync {
namespace {

struct Row {
  int line = 0;
  std::string a, b, sum, diff, product;
  int order = 0;
};

std::vector<Row> reference_rows() {
  std::ifstream in(CRMSYNC_SOURCE_DIR "/tests/unit/core/decimal_reference.tsv");
  std::vector<Row> rows;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream cells(line);
    Row r;
    r.line = n;
    std::getline(cells, r.a, '\t');
    std::getline(cells, r.b, '\t');
    std::getline(cells, r.sum, '\t');
    std::getline(cells, r.diff, '\t');
    std::getline(cells, r.product, '\t');
    cells >> r.order;
    rows.push_back(r);
  }
  return rows;
}

int scale_of(const std::string& text) {
  size_t dot = text.find('.');
  return dot == std::string::npos ? 0 : static_cast<int>(text.size() - dot - 1);
}

// Significant digits of an exact result written at `scale` fractional
// digits (the digits dropped from `text` are zeros: the result is exact there).
int digits_at_scale(const std::string& text, int scale) {
  std::string digits;
  size_t dot = text.find('.');
  std::string whole = text.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : text.substr(dot + 1);
  for (char c : whole) {
    if (c >= '0' && c <= '9') digits += c;
  }
  digits += frac.substr(0, static_cast<size_t>(scale));
  size_t first = digits.find_first_not_of('0');
  return first == std::string::npos ? 0 : static_cast<int>(digits.size() - first);
}

// A result crmsync gave must equal the exact one, at the scale the exact one
// has; an overflow (nullopt) is only allowed where the exact result needs
// more than 38 digits at the scale crmsync computes it in.
void expect_result(const Row& r, const char* op, const std::optional<Decimal>& got,
                   const std::string& exact, int computed_scale, bool same_scale) {
  SCOPED_TRACE("line " + std::to_string(r.line) + ": " + r.a + " " + op + " " + r.b + " = " +
               exact);
  if (!got) {
    EXPECT_TRUE(computed_scale > Decimal::kMaxScale || digits_at_scale(exact, computed_scale) > 38)
        << "overflow reported for a result that fits";
    return;
  }
  // Python keeps a product's trailing zeros (0.50 * 2.0 = 1.000): without
  // them it reads within 38 digits wherever crmsync's result does.
  std::string trimmed = exact;
  if (trimmed.find('.') != std::string::npos) {
    trimmed.erase(trimmed.find_last_not_of('0') + 1);
    if (trimmed.back() == '.') trimmed.pop_back();
  }
  auto want = Decimal::parse(trimmed);
  ASSERT_TRUE(want.has_value()) << "crmsync gave " << got->to_string();
  EXPECT_EQ(got->compare(*want), 0) << "crmsync gave " << got->to_string();
  if (same_scale) {
    EXPECT_EQ(got->scale(), scale_of(exact)) << got->to_string();
  }
}

// Found by this table under UBSan: two 38-digit coefficients summed past
// __int128 (signed overflow) before the 38-digit check.
TEST(DecimalDifferential, SumsPastTheLimitAreOverflowNotUndefined) {
  auto nines = Decimal::parse("99999999999999999999999999999999999999");
  auto big = Decimal::parse("91234567890123456789012345678901234567");
  ASSERT_TRUE(nines && big);
  EXPECT_FALSE(nines->add(*nines).has_value());
  EXPECT_FALSE(nines->add(*big).has_value());
  EXPECT_FALSE(Decimal::parse("-" + nines->to_string())->sub(*big).has_value());
  EXPECT_EQ(nines->sub(*big)->to_string(), "8765432109876543210987654321098765432");
}

TEST(DecimalDifferential, MatchesPythonDecimalOnRandomPairs) {
  std::vector<Row> rows = reference_rows();
  ASSERT_EQ(rows.size(), 1500u) << "decimal_reference.tsv not found or cut short";
  for (const Row& r : rows) {
    auto a = Decimal::parse(r.a);
    auto b = Decimal::parse(r.b);
    ASSERT_TRUE(a && b) << "line " << r.line << ": " << r.a << ", " << r.b;
    EXPECT_EQ(a->compare(*b), r.order) << "line " << r.line << ": " << r.a << " vs " << r.b;
    EXPECT_EQ(Decimal::parse(a->to_string())->compare(*a), 0) << r.a;
    int add_scale = std::max(a->scale(), b->scale());
    expect_result(r, "+", a->add(*b), r.sum, add_scale, true);
    expect_result(r, "-", a->sub(*b), r.diff, add_scale, true);
    int mul_scale = a->normalized().scale() + b->normalized().scale();
    expect_result(r, "*", a->mul(*b), r.product, mul_scale, false);
  }
}

}  // namespace
}  // namespace crmsync
