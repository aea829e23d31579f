#include "engine/planner.h"

#include <algorithm>
#include <functional>
#include <set>

#include "config/loader.h"

namespace crmsync {

FlowOrder plan_flow_order(const Config& config,
                          const std::map<std::string, std::vector<std::string>>& refs) {
  FlowOrder out;
  std::map<std::string, int> state;  // 0 new, 1 visiting, 2 done
  std::vector<std::string> stack;
  std::set<std::string> reported;

  std::function<void(const FlowConfig&)> visit = [&](const FlowConfig& flow) {
    int& s = state[flow.name];
    if (s == 2) return;
    if (s == 1) {
      auto it = std::find(stack.begin(), stack.end(), flow.name);
      std::string cycle;
      for (; it != stack.end(); ++it) cycle += *it + " -> ";
      cycle += flow.name;
      if (reported.insert(flow.name).second) {
        out.diagnostics.push_back(
            {flow.location, "flows reference each other in a cycle: " + cycle +
                                "; a parent must be synced before its children"});
      }
      return;
    }
    s = 1;
    stack.push_back(flow.name);
    auto it = refs.find(flow.name);
    if (it != refs.end()) {
      for (const std::string& parent : it->second) {
        const FlowConfig* p = config.flow(parent);
        if (p == nullptr) {
          std::vector<std::string> names;
          for (const auto& f : config.flows) names.push_back(f.name);
          std::string hint = did_you_mean(parent, names);
          out.diagnostics.push_back({flow.location, "ref: names unknown flow '" + parent + "'" +
                                                        (hint.empty() ? "" : "; " + hint)});
          continue;
        }
        visit(*p);
      }
    }
    stack.pop_back();
    state[flow.name] = 2;
    out.order.push_back(flow.name);
  };
  for (const FlowConfig& f : config.flows) visit(f);
  return out;
}

Result<std::vector<std::string>> select_flows(const FlowOrder& order,
                                              const std::vector<std::string>& selection) {
  if (selection.empty()) return order.order;
  for (const std::string& name : selection) {
    if (std::find(order.order.begin(), order.order.end(), name) == order.order.end()) {
      std::string hint = did_you_mean(name, order.order);
      return Error(ErrorKind::fatal,
                   "no flow named '" + name + "'" + (hint.empty() ? "" : "; " + hint));
    }
  }
  std::vector<std::string> out;
  for (const std::string& name : order.order) {
    if (std::find(selection.begin(), selection.end(), name) != selection.end()) {
      out.push_back(name);
    }
  }
  return out;
}

}  // namespace crmsync
