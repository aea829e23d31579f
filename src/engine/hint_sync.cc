// Change hints (CDC events) into synced records: events are hints, the
// source's current state is the truth.
#include <algorithm>
#include <unordered_set>

#include "engine/flow_runner.h"

namespace crmsync {

Status FlowRunner::sync_hints(const std::vector<ChangeHint>& hints, const std::string& position) {
  // Creates whose outcome is still unknown are looked up (or held back)
  // before any record of this batch is written, as at the start of a run.
  if (!options_.dry_run) {
    if (Status s = settle_intents(); !s) return s;
  }
  const SourceConfig& src = flow_.config->source;
  std::vector<std::string> ids;
  std::unordered_set<std::string> listed;
  for (const ChangeHint& h : hints) {
    for (const std::string& id : h.ids) {
      if (listed.insert(id).second) ids.push_back(id);
    }
  }
  size_t chunk = static_cast<size_t>(std::max<int64_t>(1, src.batch_size));
  for (size_t i = 0; i < ids.size(); i += chunk) {
    std::span<const std::string> part(ids.data() + i, std::min(chunk, ids.size() - i));
    auto records = flow_.source->read_by_ids(src.object, src.id_field, part);
    if (!records) {
      return records.error().with_context("flow " + flow_.name() + ": reading changed " +
                                          src.object + " records");
    }
    std::unordered_set<std::string> present;
    int64_t now = clock_.now_micros();
    for (Record& r : *records) {
      present.insert(r.id());
      // A read by id does not apply a pushed-down filter: a record changed
      // out of the flow's scope leaves it, as on the cursor path.
      if (flow_.filter && !flow_.filter->matches(r, now)) {
        r.set_deleted(true);
        filtered_out_.insert(r.id());
      }
    }
    for (const std::string& id : part) {
      if (present.count(id)) continue;
      Record gone;  // deleted (or never visible): only its id matters
      gone.set_id(id);
      gone.set_deleted(true);
      records->push_back(std::move(gone));
    }
    // Records that are not live concern this flow only if it synced them.
    std::vector<std::string> dead;
    for (const Record& r : *records) {
      if (r.deleted()) dead.push_back(r.id());
    }
    if (!dead.empty()) {
      auto known = store_.lookup(flow_.name(), dead);
      if (!known) return known.error();
      std::unordered_set<std::string> synced;
      for (const IdMapEntry& e : *known) {
        if (!e.deleted) synced.insert(e.source_id);
      }
      std::erase_if(*records,
                    [&](const Record& r) { return r.deleted() && !synced.count(r.id()); });
    }
    bool last = i + part.size() >= ids.size();
    // Webhook batches have no stream position: nothing to store.
    if (last && !position.empty()) stream_position_ = position;
    if (!records->empty()) {
      if (Status s = process_batch(*records, {}, std::nullopt, false); !s) return s;
    }
  }
  if (stream_position_ && !options_.dry_run) {
    // Nothing of this flow's changed (or no ids at all): the position alone.
    BatchCommit c;
    c.flow = flow_.name();
    c.run_id = run_id_;
    c.stream_position.swap(stream_position_);
    return store_.commit(c);
  }
  stream_position_.reset();
  return {};
}

}  // namespace crmsync
