// Deletes by full-scan difference: a record the id map knows and a full read
// of the source did not return has left the source. That inference is only
// as good as the read, so it is held back when the read was not clean, and
// when it would remove more than the flow's `max_deletes` (a partial or empty
// source looks exactly like a mass delete).

#include <algorithm>
#include <unordered_map>

#include "core/json.h"
#include "engine/flow_item.h"
#include "engine/flow_runner.h"

namespace crmsync {

namespace {

std::string plural(int64_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

// Two copies of one id make "which one is the record" a guess, and an id
// that appears twice often means another is missing (an export that shifted
// rows). Copies in one batch are all rejected here. A copy in a later batch
// of a full read is found by process_batch through the id map's seen mark
// (mark_repeated_ids), so memory does not grow with the read; the earlier
// copy has been synced already and is only reported, and the deletes of
// that run are withheld either way.
void FlowRunner::reject_duplicate_ids(std::vector<Record>& batch,
                                      std::vector<RecordReader::BadRecord>& bad) {
  std::unordered_map<std::string_view, int> in_batch;
  in_batch.reserve(batch.size());
  for (const Record& r : batch) ++in_batch[r.id()];
  std::vector<bool> reject(batch.size(), false);
  bool any = false;
  for (size_t i = 0; i < batch.size(); ++i) {
    const std::string& id = batch[i].id();
    if (in_batch[id] > 1 || duplicate_ids_.count(id)) {
      reject[i] = any = true;
      duplicate_ids_.insert(id);
    }
  }
  if (!any) return;
  std::vector<Record> kept;
  kept.reserve(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!reject[i]) {
      kept.push_back(std::move(batch[i]));
      continue;
    }
    const std::string& id = batch[i].id();
    bad.push_back({id,
                   "id " + id + " appears more than once in this read of " +
                       flow_.config->source.object +
                       ": no copy of it is synced and no record is deleted",
                   to_json(batch[i])});
  }
  batch = std::move(kept);
}

void FlowRunner::mark_repeated_ids(std::vector<Item>& items) {
  if (!in_full_read_) return;
  for (Item& it : items) {
    bool seen_before = options_.dry_run ? dry_run_seen_.count(it.source_id) > 0
                                        : it.entry && it.entry->seen_run == run_id_;
    if (!seen_before || it.error) continue;
    duplicate_ids_.insert(it.source_id);
    ++read_errors_;
    it.error = Error(ErrorKind::rejected, "id " + it.source_id +
                                              " appears more than once in this read of " +
                                              flow_.config->source.object +
                                              ": this copy is not synced and no record is deleted");
  }
}

Result<int64_t> FlowRunner::count_unseen() {
  int64_t n = 0;
  std::string after;
  while (true) {
    auto page = store_.unseen(flow_.name(), run_id_, after, 2000);
    if (!page) return page.error();
    if (page->empty()) return n;
    after = page->back().source_id;
    for (const IdMapEntry& e : *page) {
      if (options_.dry_run && dry_run_seen_.count(e.source_id)) continue;
      ++n;
    }
  }
}

bool FlowRunner::deletes_allowed() const {
  const auto& allowed = options_.allow_deletes;
  return std::find(allowed.begin(), allowed.end(), flow_.name()) != allowed.end();
}

Status FlowRunner::check_delete_guard(int64_t would_delete) {
  const DeleteLimit& limit = flow_.config->max_deletes;
  if (deletes_allowed()) return {};
  auto known = store_.count_id_map(flow_.name());
  if (!known) return known.error();
  int64_t max = limit.limit_for(*known);
  if (would_delete <= max) return {};
  hold_.would_delete = would_delete;
  hold_.limit = max;
  std::string what = flow_.config->on_delete.kind == DeletePolicy::Kind::flag ? "flags" : "deletes";
  std::string of = limit.count >= 0
                       ? ""
                       : " (" + limit.to_string() + " of " + std::to_string(*known) + " records)";
  hold_.reason = "deletes withheld: " + std::to_string(would_delete) + " " + what +
                 " exceed max_deletes " + std::to_string(max) + of + " for flow " + flow_.name() +
                 "; if the source really lost them, allow them once with `crmsync run "
                 "--allow-deletes " +
                 flow_.name() + "` or raise max_deletes";
  return {};
}

// Records in the id map that the full read did not return have left the
// source (deleted, or no longer matching the filter): apply the delete
// policy to them, unless the read had errors or the guard holds them back.
Status FlowRunner::delete_unseen() {
  if (read_errors_ > 0) {
    hold_.read_errors = read_errors_;
    hold_.reason = "deletes withheld: " + plural(read_errors_, "read error") +
                   " (a record the read could not use is not a deleted record)";
    return {};
  }
  auto would = count_unseen();
  if (!would) return would.error();
  if (*would == 0) return {};
  if (Status s = check_delete_guard(*would); !s) return s;
  bool held = !hold_.reason.empty();
  if (held && !options_.dry_run) return {};
  std::string after;
  while (true) {
    auto page = store_.unseen(flow_.name(), run_id_, after, 500);
    if (!page) return page.error();
    if (page->empty()) return {};
    after = page->back().source_id;
    std::vector<Item> items;
    items.reserve(page->size());
    for (IdMapEntry& e : *page) {
      // A dry run marks nothing in the store; it remembers what it saw.
      if (options_.dry_run && dry_run_seen_.count(e.source_id)) continue;
      Item& it = items.emplace_back();
      it.source_id = e.source_id;
      it.entry = std::move(e);
      it.live = false;
    }
    decide(items);
    if (options_.dry_run) {
      // `plan` shows the deletes the guard holds back, marked, uncounted.
      size_t first = planned_.size();
      record_plan(items);
      for (size_t i = first; i < planned_.size(); ++i) planned_[i].held = held;
      if (!held) {
        for (const Item& it : items) {
          if (it.action == Item::Action::remove || it.action == Item::Action::flag) {
            ++counts_.deleted;
          }
        }
      }
      continue;
    }
    if (Status s = write_items(items); !s) return s;
    if (Status s = commit_items(items, {}, std::nullopt, {}, false); !s) return s;
    // Rows that were deleted are gone from the map; flagged ones are marked
    // deleted: neither comes back on the next page.
  }
}

}  // namespace crmsync
