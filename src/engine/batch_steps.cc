#include <algorithm>
#include <map>
#include <unordered_map>

#include "core/checksum.h"
#include "core/json.h"
#include "engine/flow_item.h"
#include "engine/flow_runner.h"

namespace crmsync {

using Action = FlowRunner::Item::Action;

void FlowRunner::map_records(std::vector<Item>& items) {
  for (Item& it : items) {
    if (!it.live || it.error) continue;
    it.source_checksum = checksum(*it.source);
    auto mapped = flow_.mapping->apply(*it.source);
    if (!mapped) {
      it.error = mapped.error().with_context("record " + it.source_id);
      it.action = Action::fail;
      continue;
    }
    it.mapped = std::move(*mapped);
  }
}

// References go through the referenced flow's id map, one lookup per flow
// per batch. A parent that is not synced yet makes the child wait: it is
// never written with a dangling reference (DESIGN.md 4.5).
Status FlowRunner::resolve_refs(std::vector<Item>& items) {
  std::map<std::string, std::vector<std::string>> wanted;
  for (const Item& it : items) {
    if (!it.mapped || it.error) continue;
    for (const mapping::PendingRef& r : it.mapped->refs) wanted[r.flow].push_back(r.source_id);
  }
  if (wanted.empty()) return {};
  std::map<std::string, std::unordered_map<std::string, std::string>> found;
  for (auto& [flow, ids] : wanted) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    auto entries = store_.lookup(flow, ids);
    if (!entries) return entries.error();
    auto& m = found[flow];
    for (const IdMapEntry& e : *entries) {
      if (!e.deleted) m.emplace(e.source_id, e.target_id);
    }
  }
  // A parent missing from the id map either has not been read yet or
  // failed: its open error tells which, so that the child's error says
  // why it waits ("parent failed"), not just that it does.
  std::map<std::string, std::unordered_map<std::string, std::string>> parent_failed;
  if (!options_.dry_run) {
    for (auto& [flow, ids] : wanted) {
      std::vector<std::string> missing;
      for (const std::string& id : ids) {
        if (!found[flow].count(id)) missing.push_back(id);
      }
      if (missing.empty()) continue;
      auto open = store_.open_errors(flow, missing);
      if (!open) return open.error();
      for (const RecordError& e : *open) {
        std::string why = e.message;
        if (why.size() > 300) why = why.substr(0, 300) + "...";
        parent_failed[flow].emplace(e.source_id, std::move(why));
      }
    }
  }
  for (Item& it : items) {
    if (!it.mapped || it.error) continue;
    for (const mapping::PendingRef& r : it.mapped->refs) {
      auto& m = found[r.flow];
      auto f = m.find(r.source_id);
      if (f == m.end() && options_.dry_run && planned_creates_ != nullptr &&
          (*planned_creates_)[r.flow].count(r.source_id)) {
        mapping::set_ref(*it.mapped, r, "(new " + r.flow + " " + r.source_id + ")");
        continue;
      }
      if (f == m.end()) {
        auto failed = parent_failed[r.flow].find(r.source_id);
        it.error = Error(ErrorKind::retryable,
                         failed != parent_failed[r.flow].end()
                             ? "record " + it.source_id + ": parent failed: field " + r.field +
                                   " refers to " + r.flow + " record " + r.source_id +
                                   ", which failed: " + failed->second
                             : "record " + it.source_id + ": field " + r.field + " refers to " +
                                   r.flow + " record " + r.source_id + ", which is not synced yet");
        it.parent_wait = true;
        it.action = Action::fail;
        break;
      }
      mapping::set_ref(*it.mapped, r, f->second);
    }
  }
  return {};
}

// Match before create (DESIGN.md 4.3): a record with no id-map entry is
// looked up in the target by the flow's match key, so an existing record is
// linked instead of duplicated.
Status FlowRunner::match_in_target(std::vector<Item>& items) {
  if (flow_.match_target_field.empty()) return {};
  // An upsert on the same external id matches by itself: a look-up first
  // would only turn upserts into updates, at a search call for every 100
  // records (three times the write calls of a first sync).
  const FlowConfig& cfg = *flow_.config;
  if (cfg.mode == SyncMode::upsert && flow_.target_caps.write_upsert_external_id &&
      !cfg.target.external_id.empty() && flow_.match_target_field == cfg.target.external_id &&
      flow_.match_source_field.empty()) {
    return {};
  }
  std::vector<Value> values;
  std::vector<Item*> asking;
  for (Item& it : items) {
    if (!it.live || it.error || !it.mapped || (it.entry && !it.entry->deleted)) continue;
    const Value* v = flow_.match_source_field.empty()
                         ? it.mapped->record.get(flow_.match_target_field)
                         : it.source->get_path(flow_.match_source_field);
    if (v == nullptr || v->is_null() || (v->is_string() && v->as_string().empty())) continue;
    it.match_value = *v;
    asking.push_back(&it);
    values.push_back(*v);
  }
  if (asking.empty() || !flow_.target_caps.search_by_field) return {};
  auto hits = flow_.match_ignore_case
                  ? flow_.target->search_ignoring_case(flow_.config->target.object,
                                                       flow_.config->target.id_field,
                                                       flow_.match_target_field, values)
                  : flow_.target->search(flow_.config->target.object, flow_.config->target.id_field,
                                         flow_.match_target_field, values);
  if (!hits) {
    if (hits.error().kind == ErrorKind::fatal || hits.error().kind == ErrorKind::auth) {
      return hits.error().with_context("flow " + flow_.name() + ": matching by " +
                                       flow_.match_target_field);
    }
    // Transient: these records cannot be matched safely now; retry later.
    for (Item* it : asking) {
      it->error = hits.error().with_context("record " + it->source_id + ": matching by " +
                                            flow_.match_target_field);
      it->action = Action::fail;
    }
    return {};
  }
  // ASCII folding: a name that differs from the target's only in the case
  // of a non-ASCII letter is not paired, is created and then refused by
  // the target's own unique index, as a per-record error.
  auto key = [&](const Value& v) {
    std::string t = v.to_text();
    if (flow_.match_ignore_case) {
      for (char& c : t) c = c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
    }
    return t;
  };
  std::unordered_map<std::string, std::string> by_value;
  for (const Record& r : *hits) {
    if (const Value* v = r.get(flow_.match_target_field)) by_value.emplace(key(*v), r.id());
  }
  for (Item* it : asking) {
    auto f = by_value.find(key(it->match_value));
    if (f != by_value.end()) it->target_id = f->second;
  }
  return {};
}

void FlowRunner::decide(std::vector<Item>& items) {
  const FlowConfig& cfg = *flow_.config;
  const DeletePolicy& del = cfg.on_delete;
  bool can_upsert = !cfg.target.external_id.empty() && flow_.target_caps.write_upsert_external_id;
  for (Item& it : items) {
    if (it.error) {
      it.action = Action::fail;
      continue;
    }
    bool synced = it.entry && !it.entry->deleted;
    if (!it.live) {
      if (!synced || del.kind == DeletePolicy::Kind::ignore) {
        it.action = Action::none;
      } else {
        it.target_id = it.entry->target_id;
        it.action = del.kind == DeletePolicy::Kind::remove ? Action::remove : Action::flag;
      }
      continue;
    }
    if (it.entry) {
      // Known record (live, or flagged deleted and now back).
      it.target_id = it.entry->target_id;
      if (cfg.mode == SyncMode::insert) {
        it.action = Action::skip;
      } else if (synced && it.entry->target_checksum == it.checksum) {
        it.action = Action::skip;
      } else {
        it.action = Action::update;
      }
      if (!synced && del.kind == DeletePolicy::Kind::flag && it.action == Action::update) {
        // Coming back: clear the flag we set.
        it.mapped->record.set(
            del.flag_field, del.flag_value.is_bool() ? Value(!del.flag_value.as_bool()) : Value());
      }
      continue;
    }
    if (!it.target_id.empty()) {  // found by the match key
      it.action = cfg.mode == SyncMode::insert ? Action::link : Action::update;
      continue;
    }
    if (cfg.mode == SyncMode::update) {
      it.action = Action::skip;
    } else {
      it.action = can_upsert ? Action::upsert : Action::create;
    }
  }
}

}  // namespace crmsync
