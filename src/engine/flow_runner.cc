#include "engine/flow_runner.h"

#include <algorithm>
#include <set>
#include <unordered_set>

#include "core/checksum.h"
#include "core/json.h"
#include "engine/flow_item.h"

namespace crmsync {

FlowRunner::FlowRunner(FlowRuntime& flow, StateStore& store, Clock& clock,
                       const RunOptions& options, int64_t run_id, ProgressListener* progress)
    : flow_(flow),
      store_(store),
      clock_(clock),
      options_(options),
      run_id_(run_id),
      progress_(progress),
      record_backoff_(flow.config->retry.backoff_base_secs, flow.config->retry.backoff_max_secs) {}

Status FlowRunner::run() {
  if (!options_.dry_run) {
    if (Status s = settle_intents(); !s) return s;
  }
  if (Status s = retry_due_errors(); !s || cancelled_) return s;
  if (options_.retry_only) return {};
  if (Status s = read_scope_exits(); !s || cancelled_) return s;
  if (Status s = read_source(); !s) {
    if (flow_.track_seen) {
      hold_.read_errors = std::max<int64_t>(read_errors_, 1);
      hold_.reason = "deletes withheld: the read stopped before the end of the source";
    }
    return s;
  }
  // A cancelled read did not see the whole source: an id it did not reach
  // is not gone.
  if (flow_.track_seen && !cancelled_) return delete_unseen();
  return {};
}

bool FlowRunner::stop_asked() {
  if (!cancelled_ && options_.cancelled && options_.cancelled()) cancelled_ = true;
  return cancelled_;
}

// A nicety: a source that cannot count, or fails to, leaves it unknown (-1).
Status FlowRunner::count_expected(const ReadRequest& request) {
  auto n = flow_.source->count(request);
  if (!n.ok() || !*n) return {};
  counts_.expected = **n;
  if (!options_.dry_run) {
    if (Status s = store_.set_expected(run_id_, flow_.name(), **n); !s) return s;
  }
  if (progress_) progress_->batch_done(flow_.name(), counts_);
  return {};
}

// A create whose intent is still open may or may not have reached the
// target: the process died mid-call, or its answer was lost and the run
// could not resolve it. The match key tells: found means it was created
// (link it), not found means it was not (forget the intent; the record is
// re-read because the cursor did not move past it, or retried as a due
// error). An intent that cannot be looked up (no match key, no search in
// the target, an empty key) stays open and its record is not created again
// (unverifiable_), until `crmsync retry`: the operator was told to check
// the target first.
Status FlowRunner::settle_intents() {
  auto intents = store_.open_intents(flow_.name());
  if (!intents) return intents.error();
  if (intents->empty()) return {};
  std::map<std::string, std::vector<const CreateIntent*>> by_field;
  BatchCommit commit;
  commit.flow = flow_.name();
  commit.run_id = run_id_;
  for (const CreateIntent& in : *intents) {
    bool checkable = !in.match_field.empty() && flow_.target_caps.search_by_field &&
                     !in.match_value.is_null() &&
                     !(in.match_value.is_string() && in.match_value.as_string().empty());
    if (checkable) {
      by_field[in.match_field].push_back(&in);
    } else if (options_.retry_only) {
      commit.settled_intents.push_back(in.source_id);
    } else {
      unverifiable_.insert(in.source_id);
    }
  }
  for (auto& [field, list] : by_field) {
    std::vector<Value> values;
    for (const CreateIntent* in : list) values.push_back(in->match_value);
    auto found = look_up(field, values);
    if (!found) {
      return found.error().with_context("flow " + flow_.name() +
                                        ": settling creates that may have been applied");
    }
    for (const CreateIntent* in : list) {
      commit.settled_intents.push_back(in->source_id);
      auto it = found->find(in->match_value.to_text());
      if (it == found->end()) continue;
      IdMapEntry e;
      e.source_id = in->source_id;
      e.target_id = it->second;
      e.updated_at = clock_.now_micros();
      e.run_id = run_id_;
      // Checksums unknown: the next read of this record updates it once.
      commit.upserts.push_back(std::move(e));
    }
  }
  if (commit.settled_intents.empty()) return {};
  return store_.commit(commit);
}

Status FlowRunner::retry_due_errors() {
  auto due = store_.due_errors(flow_.name(), clock_.now_micros(), 100000);
  if (!due) return due.error();
  if (due->empty() || !flow_.source_caps.read_by_ids) return {};
  std::vector<std::string> ids;
  for (const RecordError& e : *due) ids.push_back(e.source_id);
  const SourceConfig& src = flow_.config->source;
  for (size_t i = 0; i < ids.size(); i += static_cast<size_t>(src.batch_size)) {
    size_t n = std::min(ids.size() - i, static_cast<size_t>(src.batch_size));
    std::span<const std::string> chunk(ids.data() + i, n);
    auto records = flow_.source->read_by_ids(src.object, src.id_field, chunk);
    if (!records) {
      if (records.error().kind == ErrorKind::fatal) {
        return records.error().with_context("flow " + flow_.name() + ": re-reading failed records");
      }
      return {};  // transient: they stay due for the next run
    }
    // Records gone from the source are no longer failing: resolve them.
    std::set<std::string> present;
    for (const Record& r : *records) present.insert(r.id());
    BatchCommit gone;
    gone.flow = flow_.name();
    gone.run_id = run_id_;
    for (const std::string& id : chunk) {
      if (!present.count(id)) gone.resolved.push_back(id);
    }
    if (!gone.resolved.empty() && !options_.dry_run) {
      if (Status s = store_.commit(gone); !s) return s;
    }
    if (Status s = process_batch(*records, {}, std::nullopt, true); !s) return s;
    if (stop_asked()) return {};
  }
  return {};
}

namespace {

std::optional<Value> cursor_start(const std::optional<Cursor>& cursor, double lookback_secs) {
  if (!cursor || cursor->value.is_null()) return std::nullopt;
  Value v = cursor->value;
  if (v.is_datetime() && lookback_secs > 0) {
    DateTime t = v.as_datetime();
    t.micros -= static_cast<int64_t>(lookback_secs * 1e6);
    v = Value(t);
  }
  return v;
}

}  // namespace

Status FlowRunner::read_source() {
  const SourceConfig& src = flow_.config->source;
  ReadRequest req;
  req.object = src.object;
  req.id_field = src.id_field;
  req.batch_size = static_cast<size_t>(src.batch_size);
  req.options = &src.options;
  req.include_deleted = flow_.config->on_delete.kind != DeletePolicy::Kind::ignore;
  if (flow_.filter) req.filter = &*flow_.filter;
  std::set<std::string> fields(flow_.mapping->source_fields().begin(),
                               flow_.mapping->source_fields().end());
  if (flow_.filter) {
    for (const std::string& f : flow_.filter->fields()) fields.insert(f.substr(0, f.find('.')));
  }
  if (!src.id_field.empty()) fields.insert(src.id_field);
  if (!flow_.match_source_field.empty()) fields.insert(flow_.match_source_field);
  bool incremental = !src.cursor_field.empty() && !options_.full;
  if (!src.cursor_field.empty()) {
    req.cursor_field = src.cursor_field;
    fields.insert(src.cursor_field);
  }
  req.fields.assign(fields.begin(), fields.end());
  if (incremental) {
    auto cursor = store_.cursor(flow_.name());
    if (!cursor) return cursor.error();
    req.cursor_from = cursor_start(*cursor, src.lookback_secs);
  }
  if (options_.count_expected) {
    if (Status s = count_expected(req); !s) return s;
  }
  auto reader = flow_.source->read(req);
  if (!reader)
    return reader.error().with_context("flow " + flow_.name() + ": reading " + src.object);

  bool ordered = flow_.source_caps.ordered_by_cursor;
  std::optional<Cursor> max_cursor;  // unordered sources: committed after the whole read
  std::vector<Record> batch;
  std::vector<RecordReader::BadRecord> bad;
  in_full_read_ = flow_.track_seen;
  while (true) {
    auto more = (*reader)->next(batch);
    if (!more) {
      in_full_read_ = false;
      ++read_errors_;
      return more.error().with_context("flow " + flow_.name() + ": reading " + src.object);
    }
    bad = (*reader)->bad_records;
    if (deletes_allowed()) {
      // The user said the source really is empty: read it as an empty table.
      std::erase_if(bad, [](const RecordReader::BadRecord& b) { return b.empty_source; });
    }
    reject_duplicate_ids(batch, bad);
    read_errors_ += static_cast<int64_t>(bad.size());
    std::optional<Cursor> cursor;
    if (!src.cursor_field.empty()) {
      for (const Record& r : batch) {
        const Value* v = r.get(src.cursor_field);
        if (v == nullptr || v->is_null()) continue;
        if (!max_cursor || v->compare(max_cursor->value) > 0 ||
            (v->compare(max_cursor->value) == 0 && r.id() > max_cursor->id)) {
          max_cursor = Cursor{*v, r.id()};
        }
      }
      if (ordered) cursor = max_cursor;
    }
    if (!batch.empty() || !bad.empty()) {
      if (Status s = process_batch(batch, bad, cursor, false); !s) {
        in_full_read_ = false;
        return s;
      }
    }
    if (!*more) break;
    if (stop_asked()) {
      // Committed up to here; an unordered source's cursor stays where it
      // was (the read did not see every record up to the largest value).
      in_full_read_ = false;
      return {};
    }
  }
  in_full_read_ = false;
  if (!ordered && max_cursor && !options_.dry_run) {
    BatchCommit c;
    c.flow = flow_.name();
    c.run_id = run_id_;
    c.cursor = max_cursor;
    return store_.commit(c);
  }
  return {};
}

// A record changed so that a pushed-down filter no longer selects it (a loan
// reassigned to another officer) never comes back from the filtered read, so
// neither the cursor read nor the delete feed shows it leaving. Reading the
// changed records the filter now excludes (NOT filter, from the same cursor)
// finds those the id map knows; they get the flow's delete policy. This runs
// before the main read and from the cursor it starts at, so a crash between
// the two cannot skip them. One extra query per run, for flows that act on
// deletes only.
Status FlowRunner::read_scope_exits() {
  const SourceConfig& src = flow_.config->source;
  bool incremental = !src.cursor_field.empty() && !options_.full;
  if (!incremental || !flow_.filter || !flow_.source_caps.pushdown_filter ||
      flow_.config->on_delete.kind == DeletePolicy::Kind::ignore) {
    return {};
  }
  auto cursor = store_.cursor(flow_.name());
  if (!cursor) return cursor.error();
  if (!*cursor) return {};  // first run: nothing synced can have left
  filter::Filter outside = flow_.filter->negated();
  ReadRequest req;
  req.object = src.object;
  req.id_field = src.id_field;
  req.batch_size = static_cast<size_t>(src.batch_size);
  req.options = &src.options;
  req.filter = &outside;
  req.cursor_field = src.cursor_field;
  req.cursor_from = cursor_start(*cursor, src.lookback_secs);
  req.fields = {src.cursor_field};
  if (!src.id_field.empty()) req.fields.push_back(src.id_field);
  auto reader = flow_.source->read(req);
  if (!reader) {
    return reader.error().with_context("flow " + flow_.name() + ": reading " + src.object +
                                       " that left the filter");
  }
  std::vector<Record> batch;
  while (true) {
    auto more = (*reader)->next(batch);
    if (!more) {
      return more.error().with_context("flow " + flow_.name() + ": reading " + src.object +
                                       " that left the filter");
    }
    // Only records this flow synced can leave it; the others (another
    // officer's loans) are none of its business and not counted as read.
    std::vector<std::string> ids;
    for (const Record& r : batch) ids.push_back(r.id());
    auto known = store_.lookup(flow_.name(), ids);
    if (!known) return known.error();
    std::unordered_set<std::string> synced;
    for (const IdMapEntry& e : *known) {
      if (!e.deleted) synced.insert(e.source_id);
    }
    std::vector<Record> left;
    for (Record& r : batch) {
      if (!synced.count(r.id())) continue;
      r.set_deleted(true);
      left.push_back(std::move(r));
    }
    if (!left.empty()) {
      if (Status s = process_batch(left, {}, std::nullopt, false); !s) return s;
    }
    if (!*more || stop_asked()) return {};
  }
}

Status FlowRunner::process_batch(std::vector<Record>& records,
                                 const std::vector<RecordReader::BadRecord>& bad,
                                 std::optional<Cursor> cursor, bool from_retry) {
  std::vector<Item> items(records.size());
  std::vector<std::string> ids;
  ids.reserve(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    Item& it = items[i];
    it.source = &records[i];
    it.source_id = records[i].id();
    it.live = !records[i].deleted();
    if (it.live && flow_.filter && !flow_.source_caps.pushdown_filter) {
      it.live = flow_.filter->matches(records[i], clock_.now_micros());
    }
    ids.push_back(it.source_id);
  }

  auto entries = store_.lookup(flow_.name(), ids);
  if (!entries) return entries.error();
  if (!entries->empty()) {
    std::unordered_map<std::string_view, const IdMapEntry*> by_id;
    by_id.reserve(entries->size());
    for (const IdMapEntry& e : *entries) by_id.emplace(e.source_id, &e);
    for (Item& it : items) {
      auto f = by_id.find(it.source_id);
      if (f != by_id.end()) it.entry = *f->second;
    }
  }

  if (!from_retry) mark_repeated_ids(items);
  map_records(items);
  if (Status s = resolve_refs(items); !s) return s;
  for (Item& it : items) {
    if (it.mapped && !it.error) it.checksum = checksum(it.mapped->record);
  }
  if (Status s = match_in_target(items); !s) return s;
  decide(items);
  if (from_retry) {
    for (Item& it : items) {
      if (it.action == Item::Action::skip || it.action == Item::Action::none) {
        it.action = Item::Action::skip;
      }
    }
  }
  if (in_full_read_) {
    // A full scan applies the delete policy only after the whole read, where
    // a read error or the mass-delete guard can still hold it back: a record
    // that left an in-process filter waits for delete_unseen like one the
    // source no longer returns. Deletes the source reports itself are
    // explicit and go through now.
    for (Item& it : items) {
      bool reported_deleted = it.source != nullptr && it.source->deleted();
      if (!it.live && !reported_deleted &&
          (it.action == Item::Action::remove || it.action == Item::Action::flag)) {
        it.action = Item::Action::none;
      }
    }
  }
  if (options_.dry_run) {
    record_plan(items);
  } else if (Status s = write_items(items); !s) {
    return s;
  }

  std::vector<std::string> seen;
  if (flow_.track_seen && !from_retry) {
    for (const Item& it : items) {
      if (!it.live) continue;
      if (options_.dry_run) {
        dry_run_seen_.insert(it.source_id);
      } else {
        seen.push_back(it.source_id);
      }
    }
  }
  return commit_items(items, bad, cursor, seen, from_retry);
}

}  // namespace crmsync
