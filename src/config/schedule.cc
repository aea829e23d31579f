#include "config/schedule.h"

#include <sstream>
#include <vector>

namespace crmsync {
namespace {

bool parse_uint(const std::string& s, int& out) {
  if (s.empty() || s.size() > 4) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

// One cron field: "*", "*/n", "a", "a-b", "a-b/n", comma lists of those.
bool valid_field(const std::string& field, int lo, int hi) {
  std::stringstream ss(field);
  std::string part;
  bool any = false;
  while (std::getline(ss, part, ',')) {
    any = true;
    std::string range = part;
    size_t slash = part.find('/');
    if (slash != std::string::npos) {
      int step;
      if (!parse_uint(part.substr(slash + 1), step) || step == 0) return false;
      range = part.substr(0, slash);
    }
    if (range == "*") continue;
    size_t dash = range.find('-');
    int a, b;
    if (dash == std::string::npos) {
      if (!parse_uint(range, a) || a < lo || a > hi) return false;
    } else if (!parse_uint(range.substr(0, dash), a) || !parse_uint(range.substr(dash + 1), b) ||
               a < lo || b > hi || a > b) {
      return false;
    }
  }
  return any && field.back() != ',';
}

}  // namespace

std::string check_schedule(const std::string& s) {
  if (s.rfind("every ", 0) == 0) {
    std::string n = s.substr(6);
    if (n.size() >= 2 && std::string("smhd").find(n.back()) != std::string::npos) {
      int v;
      if (parse_uint(n.substr(0, n.size() - 1), v) && v >= 1) return {};
    }
    return "expected 'every N' with a unit s, m, h or d (e.g. 'every 5m'), found '" + s + "'";
  }
  std::stringstream ss(s);
  std::vector<std::string> fields;
  std::string f;
  while (ss >> f) fields.push_back(f);
  if (fields.size() != 5) {
    return "expected 'every N{s,m,h,d}' or a cron expression with 5 fields (minute hour "
           "day-of-month month day-of-week), found " +
           std::to_string(fields.size()) + " field" + (fields.size() == 1 ? "" : "s");
  }
  static const char* kNames[] = {"minute", "hour", "day-of-month", "month", "day-of-week"};
  static const int kLo[] = {0, 0, 1, 1, 0}, kHi[] = {59, 23, 31, 12, 7};
  for (int i = 0; i < 5; ++i) {
    if (!valid_field(fields[i], kLo[i], kHi[i])) {
      return std::string("cron field ") + kNames[i] + " '" + fields[i] + "' is not valid (" +
             std::to_string(kLo[i]) + "-" + std::to_string(kHi[i]) + ", *, lists, ranges, /steps)";
    }
  }
  return {};
}

}  // namespace crmsync
