#include "config/duration.h"

namespace crmsync {
namespace {

// Ten years: far beyond any catch-up window or jitter, and far from overflow.
constexpr int64_t kMaxSecs = int64_t{10} * 366 * 86400;

int64_t unit_secs(char c) {
  switch (c) {
    case 's':
      return 1;
    case 'm':
      return 60;
    case 'h':
      return 3600;
    case 'd':
      return 86400;
    default:
      return 0;
  }
}

Error bad(const std::string& text, const std::string& why) {
  return Error(ErrorKind::fatal, "expected a duration such as 30s, 5m, 1h30m or 2d, found '" +
                                     text + "'" + (why.empty() ? "" : ": " + why));
}

}  // namespace

Result<int64_t> parse_duration_micros(const std::string& text) {
  if (text == "0") return int64_t{0};
  if (!text.empty() && text[0] == '-') return bad(text, "a duration cannot be negative");
  if (text.empty()) return bad(text, "");
  int64_t total = 0;
  size_t i = 0;
  while (i < text.size()) {
    int64_t n = 0;
    size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + (text[i++] - '0');
      if (++digits > 9) return bad(text, "too long");
    }
    if (digits == 0) return bad(text, "");
    if (i == text.size()) return bad(text, "the number has no unit (s, m, h or d)");
    int64_t unit = unit_secs(text[i++]);
    if (unit == 0) return bad(text, "");
    total += n * unit;
    if (total > kMaxSecs) return bad(text, "more than ten years");
  }
  return total * 1000000;
}

std::string format_duration(int64_t micros) {
  int64_t secs = micros / 1000000;
  if (secs <= 0) return "0s";
  std::string out;
  for (auto [unit, name] :
       {std::pair<int64_t, char>{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}}) {
    if (secs >= unit) {
      out += std::to_string(secs / unit) + name;
      secs %= unit;
    }
  }
  return out;
}

}  // namespace crmsync
