#pragma once

// Reads a fault proxy's exchanges (fault_proxy.h) as a record of creates
// and lookups, keyed by the flow's match value: which values were created
// more than once, and which were sent to be created again with no lookup of
// that value in between. A client that handles lost answers right looks a
// value up before it sends its create a second time, and creates each value
// at most once.

#include <functional>
#include <map>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "support/fault_proxy.h"

namespace crmsync::testing {

// The match values a request creates, or looks up (none: neither).
using MatchValuesOf = std::function<std::vector<std::string>(const ProxyExchange&)>;

struct CreateAudit {
  int64_t create_requests = 0;  // requests that create one value or more
  int64_t lookup_requests = 0;
  int64_t lost_answers = 0;  // create requests whose answer the proxy lost
  // Values whose create was applied (2xx) more than once, and how often.
  std::map<std::string, int> created_twice;
  // Values sent for creation again after a create that may have been
  // applied, with no lookup of them in between.
  std::set<std::string> resent_blind;
};

// Whether the client must assume the request was applied: it was (2xx),
// or its answer never came back whole, or a gateway says it does not know
// (502, 504). A definite refusal (429, 4xx, 503) may be sent again as is.
inline bool may_be_applied(const ProxyExchange& e) {
  return e.fault != ProxyFault::none || e.status == 0 || e.status / 100 == 2 || e.status == 502 ||
         e.status == 504;
}

inline CreateAudit audit_creates(const std::vector<ProxyExchange>& log,
                                 const MatchValuesOf& created, const MatchValuesOf& looked_up) {
  CreateAudit a;
  std::map<std::string, int> applied;
  // Per value: a create that may have been applied was sent, and no lookup
  // of the value has come since.
  std::set<std::string> unlooked;
  for (const ProxyExchange& e : log) {
    std::vector<std::string> looks = looked_up(e);
    if (!looks.empty()) ++a.lookup_requests;
    for (const std::string& v : looks) unlooked.erase(v);
    std::vector<std::string> makes = created(e);
    if (makes.empty()) continue;
    ++a.create_requests;
    a.lost_answers += e.fault != ProxyFault::none;
    for (const std::string& v : makes) {
      if (unlooked.count(v)) a.resent_blind.insert(v);
      if (may_be_applied(e)) unlooked.insert(v);
      if (e.status / 100 == 2) ++applied[v];
    }
  }
  for (const auto& [v, n] : applied) {
    if (n > 1) a.created_twice[v] = n;
  }
  return a;
}

inline std::ostream& operator<<(std::ostream& os, const CreateAudit& a) {
  os << a.create_requests << " create requests, " << a.lookup_requests << " lookups, "
     << a.lost_answers << " answers lost; " << a.created_twice.size()
     << " values created more than once, " << a.resent_blind.size()
     << " sent again without a lookup";
  int shown = 0;
  for (const std::string& v : a.resent_blind) {
    if (shown++ == 5) break;
    os << (shown == 1 ? " (" : ", ") << v;
  }
  return os << (shown ? ")" : "");
}

}  // namespace crmsync::testing
