#include <algorithm>
#include <unordered_map>

#include "core/json.h"
#include "engine/flow_item.h"
#include "engine/flow_runner.h"

namespace crmsync {

using Action = FlowRunner::Item::Action;

namespace {

WriteOp op_for(Action a) {
  switch (a) {
    case Action::create:
      return WriteOp::create;
    case Action::upsert:
      return WriteOp::upsert;
    case Action::remove:
      return WriteOp::remove;
    default:
      return WriteOp::update;
  }
}

}  // namespace

Result<std::vector<WriteResult>> FlowRunner::write_call(const WriteRequest& request) {
  auto res = flow_.target->write(request);
  if (res && res->size() != request.items.size()) {
    return Error(ErrorKind::fatal, "connector returned " + std::to_string(res->size()) +
                                       " results for " + std::to_string(request.items.size()) +
                                       " records");
  }
  return res;
}

// Writes the decided changes: deletes, then updates, upserts and creates, in
// chunks of the target's batch size. Every create is preceded by a
// committed intent (DESIGN.md 4.4); a create whose answer was lost is
// resolved right after its chunk (unknown_outcome.cc), never resent blindly.
// A failed call is not repeated here: the connection's HTTP session retried
// it already, so its records become per-record errors with the record
// backoff.
Status FlowRunner::write_items(std::vector<Item>& items) {
  const TargetConfig& tgt = flow_.config->target;
  size_t chunk = static_cast<size_t>(std::max(1, tgt.batch_size));
  for (Item& it : items) {
    // A record that can be looked up was searched by match_in_target a
    // moment ago (a match key added since it was parked): absent, so it
    // may be created.
    if (it.action == Action::create && !it.error && unverifiable_.count(it.source_id) &&
        !can_look_up(it)) {
      park_unverifiable(it, "an earlier create of it may have been applied");
    }
  }
  for (Action kind :
       {Action::remove, Action::flag, Action::update, Action::upsert, Action::create}) {
    std::vector<Item*> group;
    for (Item& it : items) {
      if (it.action == kind && !it.error) group.push_back(&it);
    }
    for (size_t start = 0; start < group.size(); start += chunk) {
      size_t n = std::min(chunk, group.size() - start);
      std::vector<WriteItem> writes(n);
      std::vector<CreateIntent> intents;
      for (size_t i = 0; i < n; ++i) {
        Item& it = *group[start + i];
        WriteItem& w = writes[i];
        w.op = op_for(kind);
        w.target_id = it.target_id;
        if (kind == Action::flag) {
          w.record.set(flow_.config->on_delete.flag_field, flow_.config->on_delete.flag_value);
        } else if (kind != Action::remove) {
          // Nothing reads the mapped record after its write: move, not copy.
          w.record = std::move(it.mapped->record);
        }
        if (kind == Action::create) {
          // Also without a match key: the open intent is what keeps a
          // create that may have been applied from being sent again.
          intents.push_back(CreateIntent{it.source_id, flow_.match_target_field, it.match_value,
                                         run_id_, clock_.now_micros()});
        }
      }
      if (!intents.empty()) {
        if (Status s = store_.add_intents(flow_.name(), intents); !s) return s;
      }
      WriteRequest req;
      req.object = tgt.object;
      req.id_field = tgt.id_field;
      req.external_id = tgt.external_id;
      req.items = writes;
      auto res = write_call(req);
      if (!res && (res.error().kind == ErrorKind::fatal || res.error().kind == ErrorKind::auth)) {
        // The flow stops; open intents are settled by the next run.
        return res.error().with_context("flow " + flow_.name() + ": writing " + tgt.object);
      }
      std::vector<Item*> lost;
      std::vector<WriteItem> lost_writes;
      for (size_t i = 0; i < n; ++i) {
        Item& it = *group[start + i];
        if (!res) {
          it.error = res.error();
        } else if (WriteResult& r = (*res)[i]; !r.ok) {
          it.error = r.error.with_context("record " + it.source_id);
        } else {
          if (!r.target_id.empty()) it.target_id = r.target_id;
          it.created = kind == Action::create || (kind == Action::upsert && r.created);
          continue;
        }
        // Updates, upserts and deletes may simply be tried again; a create
        // that may have been applied must be looked up first.
        if (kind == Action::create && it.error->outcome_unknown) {
          lost.push_back(&it);
          lost_writes.push_back(std::move(writes[i]));
        }
      }
      if (!lost.empty()) {
        if (Status s = resolve_lost_creates(lost, lost_writes); !s) return s;
      }
    }
  }
  return {};
}

RecordError FlowRunner::make_error(const std::string& source_id, const Error& error,
                                   const std::string& payload, int previous_attempts,
                                   bool parent_wait, bool parent_retrying) {
  const RetryConfig& retry = flow_.config->retry;
  int64_t now = clock_.now_micros();
  RecordError e;
  e.run_id = run_id_;
  e.flow = flow_.name();
  e.source_id = source_id;
  e.kind = error.kind;
  e.message = error.message;
  e.payload = payload;
  e.attempts = previous_attempts + 1;
  e.outcome_unknown = error.outcome_unknown;
  e.created_at = now;
  e.updated_at = now;
  if (parent_wait) {
    // Due again on the next run; the parent may have arrived by then. A
    // parent still retried in its own flow will come: waiting for it is
    // never given up (under faults a burst of CDC runs would otherwise park
    // the child within seconds, and nothing re-reads it once the parent
    // lands: the soak lost loans that way).
    e.next_attempt_at = now;
    e.status = e.attempts >= retry.parent_wait_runs && !parent_retrying
                   ? RecordErrorStatus::parked
                   : RecordErrorStatus::pending;
  } else if (error.kind == ErrorKind::rejected || error.kind == ErrorKind::fatal) {
    // Retrying the same data cannot help: wait for a change at the source
    // (which re-reads it) or for `crmsync retry`.
    e.status = RecordErrorStatus::parked;
  } else {
    e.next_attempt_at = now + record_backoff_.delay_micros(e.attempts);
    e.status =
        e.attempts >= retry.max_attempts ? RecordErrorStatus::parked : RecordErrorStatus::pending;
  }
  return e;
}

Status FlowRunner::commit_items(std::vector<Item>& items,
                                const std::vector<RecordReader::BadRecord>& bad,
                                std::optional<Cursor> cursor, const std::vector<std::string>& seen,
                                bool from_retry) {
  BatchCommit c;
  c.flow = flow_.name();
  c.run_id = run_id_;
  c.cursor = std::move(cursor);
  c.seen = seen;
  c.stream_position.swap(stream_position_);
  FlowCounts& n = c.counts;
  n.read = static_cast<int64_t>(bad.size());

  std::vector<std::string> failed_ids;
  for (const Item& it : items) {
    if (it.error) failed_ids.push_back(it.source_id);
  }
  for (const auto& b : bad) failed_ids.push_back(b.id);
  std::unordered_map<std::string, int> attempts;
  if (!failed_ids.empty() && !options_.dry_run) {
    auto open = store_.open_errors(flow_.name(), failed_ids);
    if (!open) return open.error();
    for (const RecordError& e : *open) attempts[e.source_id] = e.attempts;
  }

  int64_t now = clock_.now_micros();
  for (Item& it : items) {
    if (it.source) ++n.read;
    if (it.error) {
      ++n.failed;
      if (options_.dry_run) continue;
      std::string payload = it.source ? to_json(*it.source) : std::string();
      c.errors.push_back(make_error(it.source_id, *it.error, payload, attempts[it.source_id],
                                    it.parent_wait, it.parent_retrying));
      if (it.link_despite_error) {
        // Created (found by the look-up after a lost answer), but the
        // update after it failed: link it so the retry updates it.
        c.upserts.push_back(
            IdMapEntry{it.source_id, it.target_id, it.source_checksum, 0, now, run_id_, false});
        c.settled_intents.push_back(it.source_id);
      } else if (it.action == Action::create && !intent_stays_open(it)) {
        c.settled_intents.push_back(it.source_id);
      }
      continue;
    }
    switch (it.action) {
      case Action::none:
        break;
      case Action::skip:
      case Action::link:
        ++n.skipped;
        if (from_retry) c.resolved.push_back(it.source_id);
        if (unverifiable_.count(it.source_id)) c.settled_intents.push_back(it.source_id);
        if (it.action == Action::link) {
          c.upserts.push_back(
              IdMapEntry{it.source_id, it.target_id, it.source_checksum, 0, now, run_id_, false});
        }
        break;
      case Action::create:
      case Action::update:
      case Action::upsert:
        if (it.created || (options_.dry_run && it.action != Action::update)) {
          ++n.created;
        } else {
          ++n.updated;
        }
        c.upserts.push_back(IdMapEntry{it.source_id, it.target_id, it.source_checksum, it.checksum,
                                       now, run_id_, false});
        c.resolved.push_back(it.source_id);
        // Found by the match key after all (unverifiable_): its old
        // intent is settled by this write too.
        if (it.action == Action::create || unverifiable_.count(it.source_id)) {
          c.settled_intents.push_back(it.source_id);
        }
        break;
      case Action::remove:
        ++n.deleted;
        c.forget.push_back(it.source_id);
        break;
      case Action::flag:
        ++n.deleted;
        c.upserts.push_back(IdMapEntry{it.source_id, it.target_id, it.entry->source_checksum, 0,
                                       now, run_id_, true});
        break;
      case Action::fail:
        break;
    }
  }
  for (const auto& b : bad) {
    ++n.failed;
    if (options_.dry_run) continue;
    c.errors.push_back(
        make_error(b.id, Error(ErrorKind::rejected, b.message), b.raw, attempts[b.id], false));
  }
  counts_ += n;
  if (!options_.dry_run) {
    if (Status s = store_.commit(c); !s) return s;
  }
  if (progress_) progress_->batch_done(flow_.name(), counts_);
  return {};
}

}  // namespace crmsync
