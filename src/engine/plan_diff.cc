#include <unordered_map>

#include "engine/flow_item.h"
#include "engine/flow_runner.h"

namespace crmsync {

using Action = FlowRunner::Item::Action;

namespace {

const char* action_name(Action a) {
  switch (a) {
    case Action::create:
      return "create";
    case Action::update:
      return "update";
    case Action::upsert:
      return "upsert";
    case Action::remove:
      return "delete";
    case Action::flag:
      return "flag";
    default:
      return "";
  }
}

}  // namespace

// Keeps the first changes of a dry run for `crmsync plan`, with the target's
// current values where the target can be read, so an update shows what
// changes and not only the new values.
void FlowRunner::record_plan(const std::vector<Item>& items) {
  if (planned_creates_ != nullptr) {
    auto& mine = (*planned_creates_)[flow_.name()];
    for (const Item& it : items) {
      if (!it.error && (it.action == Action::create || it.action == Action::upsert)) {
        mine.insert(it.source_id);
      }
    }
  }
  std::vector<const Item*> shown;
  for (const Item& it : items) {
    if (planned_.size() + shown.size() >= options_.max_diffs) break;
    if (it.error || *action_name(it.action) == '\0') continue;
    shown.push_back(&it);
  }
  if (shown.empty()) return;
  std::unordered_map<std::string, Record> current;
  if (flow_.target_caps.read_by_ids) {
    std::vector<std::string> ids;
    for (const Item* it : shown) {
      if (it->action == Action::update) ids.push_back(it->target_id);
    }
    if (!ids.empty()) {
      auto recs = flow_.target->read_by_ids(flow_.config->target.object,
                                            flow_.config->target.id_field, ids);
      // Without the current values the diff shows new values only.
      if (recs) {
        for (Record& r : *recs) current.emplace(r.id(), std::move(r));
      }
    }
  }
  for (const Item* it : shown) {
    PlannedChange ch;
    ch.action = action_name(it->action);
    ch.source_id = it->source_id;
    ch.target_id = it->target_id;
    if (it->mapped && (it->action == Action::create || it->action == Action::update ||
                       it->action == Action::upsert)) {
      const Record& rec = it->mapped->record;
      auto cur = current.find(it->target_id);
      for (size_t i = 0; i < rec.size(); ++i) {
        PlannedChange::Field f{rec.name(i), "", rec.value(i).to_text()};
        if (cur != current.end()) {
          const Value* before = cur->second.get(rec.name(i));
          if (before && (*before == rec.value(i) || before->to_text() == f.after)) continue;
          if (before) f.before = before->to_text();
        }
        ch.fields.push_back(std::move(f));
      }
    }
    planned_.push_back(std::move(ch));
  }
}

}  // namespace crmsync
