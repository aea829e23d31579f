#pragma once

// What the lost-answer tests share: the real binary run in a project
// directory, and the verdicts on what the target holds and on what the
// fault proxy saw sent.

#include <gtest/gtest.h>

#include <iostream>
#include <map>
#include <set>
#include <string>

#include "support/fault_proxy.h"
#include "support/fault_proxy_audit.h"
#include "support/run_command.h"
#include "support/temp_dir.h"

namespace crmsync::testing {

// `crmsync ARGS` in `dir`, which holds crmsync.yaml.
inline CommandResult crmsync_in(const TempDir& dir, const std::string& args) {
  return run_command("cd " + dir.path().string() + " && " + CRMSYNC_BINARY + " " + args);
}

// Target records per match value, against the values expected once each.
struct Tally {
  int duplicates = 0;  // records beyond the first of a value
  int missing = 0;     // expected values with no record
  int strays = 0;      // records of no expected value
};
inline Tally tally(const std::map<std::string, int>& found, const std::set<std::string>& expected) {
  Tally t;
  for (const auto& [value, n] : found) {
    if (!expected.count(value)) t.strays += n;
    if (n > 1) t.duplicates += n - 1;
  }
  for (const std::string& v : expected) t.missing += found.count(v) == 0;
  return t;
}

// Every expected record exactly once. Prints the numbers: before the fix
// they are the defect's size.
inline void expect_exactly_once(const std::string& what, const Tally& t) {
  std::cout << "[ lost answers ] " << what << ": " << t.duplicates << " duplicate, " << t.missing
            << " missing, " << t.strays << " strays\n";
  EXPECT_EQ(t.duplicates, 0) << what;
  EXPECT_EQ(t.missing, 0) << what;
  EXPECT_EQ(t.strays, 0) << what;
}

// No value created twice, none sent again without a lookup in between.
inline void expect_no_blind_resend(const FaultProxy& proxy, const CreateAudit& a) {
  std::cout << "[ lost answers ] proxy: " << proxy.faults() << " answers lost; " << a << "\n";
  EXPECT_TRUE(a.resent_blind.empty()) << a;
  EXPECT_TRUE(a.created_twice.empty()) << a;
}

}  // namespace crmsync::testing
