// Create intents (DESIGN.md 4.4), stored one row per write call.
//
// Every created record gets an intent before the target is written and has
// it settled in the batch commit after. As one row per record that was two
// B-tree writes (plus key index) per record on the hot path of a first sync;
// as one row per call (a JSON array of its intents) it is one insert and one
// delete per call. A batch row partly settled (a create that timed out keeps
// its intent open) is rewritten with the intents still open.
#include <algorithm>
#include <charconv>
#include <set>

#include "core/json.h"
#include "state/sqlite_state_store.h"
#include "state/value_codec.h"

namespace crmsync {
namespace {

std::string encode_entries(const std::vector<CreateIntent>& intents) {
  // The same text as encode_value's pair, built in place: this runs once
  // per created record.
  auto put_int = [](int64_t v, std::string& out) {
    char buf[24];
    auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
    out.append(buf, end);
  };
  std::string out = "[";
  for (const CreateIntent& in : intents) {
    if (out.size() > 1) out += ',';
    const Value& v = in.match_value;
    out += '[';
    append_json_string(in.source_id, out);
    out += ',';
    append_json_string(in.match_field, out);
    out += ',';
    append_json_string(to_string(v.type()), out);
    out += ',';
    if (v.is_string()) {
      append_json_string(v.as_string(), out);
    } else {
      append_json_string(v.is_null() ? std::string() : v.to_text(), out);
    }
    out += ',';
    put_int(in.run_id, out);
    out += ',';
    put_int(in.created_at, out);
    out += ']';
  }
  out += ']';
  return out;
}

Result<std::vector<CreateIntent>> decode_entries(std::string_view flow, int64_t batch,
                                                 std::string_view text) {
  auto bad = [&](const std::string& why) {
    return Error(ErrorKind::fatal, "state store: create intents of flow " + std::string(flow) +
                                       " (batch " + std::to_string(batch) + "): " + why);
  };
  auto v = parse_json(text);
  if (!v) return bad(v.error().message);
  if (!v->is_array()) return bad("expected a JSON array");
  std::vector<CreateIntent> out;
  for (const Value& e : v->as_array()) {
    if (!e.is_array() || e.as_array().size() != 6) return bad("expected 6-element entries");
    const Array& a = e.as_array();
    if (!a[0].is_string() || !a[1].is_string() || !a[2].is_string() || !a[3].is_string() ||
        !a[4].is_int() || !a[5].is_int()) {
      return bad("malformed entry");
    }
    out.push_back(CreateIntent{a[0].as_string(), a[1].as_string(),
                               decode_value(a[2].as_string(), a[3].as_string()), a[4].as_int(),
                               a[5].as_int()});
  }
  return out;
}

}  // namespace

Result<SqliteStateStore::FlowIntents*> SqliteStateStore::flow_intents(std::string_view flow) {
  auto found = intents_.find(flow);
  if (found != intents_.end()) return &found->second;
  auto q =
      db_->prepare("SELECT batch_id, entries FROM intent_batches WHERE flow = ? ORDER BY batch_id");
  if (!q) return q.error();
  FlowIntents f;
  {
    Stmt st(*q);
    st.bind(1, flow);
    int rc;
    while ((rc = st.step()) == SQLITE_ROW) {
      int64_t batch = st.int64(0);
      auto entries = decode_entries(flow, batch, st.text(1));
      if (!entries) return entries.error();
      // A later intent for the same record replaces an earlier one.
      for (const CreateIntent& in : *entries) f.batch_of[in.source_id] = batch;
      f.batches[batch] = std::move(*entries);
      f.next_batch = batch + 1;
    }
    if (rc != SQLITE_DONE) return db_->error("reading create intents");
  }
  return &intents_.emplace(std::string(flow), std::move(f)).first->second;
}

Status SqliteStateStore::settle_intents(std::string_view flow, std::span<const std::string> ids) {
  if (ids.empty()) return {};
  auto fi = flow_intents(flow);
  if (!fi) return fi.error();
  FlowIntents& f = **fi;
  std::set<int64_t> touched;
  for (const std::string& id : ids) {
    auto it = f.batch_of.find(id);
    if (it == f.batch_of.end()) continue;
    touched.insert(it->second);
    f.batch_of.erase(it);
  }
  for (int64_t batch : touched) {
    std::vector<CreateIntent>& entries = f.batches[batch];
    std::erase_if(entries, [&](const CreateIntent& in) {
      auto it = f.batch_of.find(in.source_id);
      return it == f.batch_of.end() || it->second != batch;
    });
    bool empty = entries.empty();
    auto q = db_->prepare(empty ? "DELETE FROM intent_batches WHERE flow = ? AND batch_id = ?"
                                : "UPDATE intent_batches SET entries = ? WHERE flow = ? AND "
                                  "batch_id = ?");
    if (!q) return q.error();
    Stmt st(*q);
    int p = 1;
    std::string text;
    if (!empty) {
      text = encode_entries(entries);
      st.bind_borrowed(p++, text);
    }
    st.bind_borrowed(p, flow);
    st.bind(p + 1, batch);
    if (st.step() != SQLITE_DONE) return db_->error("settling create intents");
    if (empty) f.batches.erase(batch);
  }
  return {};
}

Status SqliteStateStore::add_intents(std::string_view flow, std::span<const CreateIntent> intents) {
  if (intents.empty()) return {};
  auto fi = flow_intents(flow);
  if (!fi) return fi.error();
  FlowIntents& f = **fi;
  // The last intent for a record wins, as with one row per record.
  std::vector<CreateIntent> entries;
  std::unordered_map<std::string_view, size_t> at;
  for (const CreateIntent& in : intents) {
    auto [it, fresh] = at.emplace(in.source_id, entries.size());
    if (fresh) {
      entries.push_back(in);
    } else {
      entries[it->second] = in;
    }
  }
  std::vector<std::string> replaced;
  for (const CreateIntent& in : entries) {
    if (f.batch_of.count(in.source_id)) replaced.push_back(in.source_id);
  }
  if (Status s = db_->begin_write("recording create intents"); !s) return s;
  int64_t batch = f.next_batch;
  Status s = settle_intents(flow, replaced);
  if (s) {
    auto q = db_->prepare("INSERT INTO intent_batches (flow, batch_id, entries) VALUES (?, ?, ?)");
    if (!q) {
      s = q.error();
    } else {
      std::string text = encode_entries(entries);
      Stmt st(*q);
      st.bind_borrowed(1, flow);
      st.bind(2, batch);
      st.bind_borrowed(3, text);
      if (st.step() != SQLITE_DONE) s = db_->error("recording create intents");
    }
  }
  if (s) s = db_->exec("COMMIT", "recording create intents");
  if (!s) {
    (void)db_->exec("ROLLBACK", "rolling back");
    intents_.clear();
    return s;
  }
  for (const CreateIntent& in : entries) f.batch_of[in.source_id] = batch;
  f.batches[batch] = std::move(entries);
  f.next_batch = batch + 1;
  return {};
}

Result<std::vector<CreateIntent>> SqliteStateStore::open_intents(std::string_view flow) {
  // Read afresh: called once at the start of a run, which must see what an
  // earlier (perhaps killed) process left.
  auto cached = intents_.find(flow);
  if (cached != intents_.end()) intents_.erase(cached);
  auto fi = flow_intents(flow);
  if (!fi) return fi.error();
  std::vector<CreateIntent> out;
  for (const auto& [batch, entries] : (*fi)->batches) {
    for (const CreateIntent& in : entries) {
      auto it = (*fi)->batch_of.find(in.source_id);
      if (it != (*fi)->batch_of.end() && it->second == batch) out.push_back(in);
    }
  }
  std::sort(out.begin(), out.end(),
            [](const CreateIntent& a, const CreateIntent& b) { return a.source_id < b.source_id; });
  return out;
}

}  // namespace crmsync
