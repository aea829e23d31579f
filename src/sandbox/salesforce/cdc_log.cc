#include "sandbox/salesforce/cdc_log.h"

#include <algorithm>

#include "core/json.h"
#include "sandbox/salesforce/field_values.h"
#include "sandbox/salesforce/wire.h"

namespace crmsync::sandbox::salesforce {
namespace {

const char* change_type(ChangeEvent::Type t) {
  switch (t) {
    case ChangeEvent::Type::create:
      return "CREATE";
    case ChangeEvent::Type::update:
      return "UPDATE";
    case ChangeEvent::Type::remove:
      return "DELETE";
    case ChangeEvent::Type::undelete:
      return "UNDELETE";
  }
  return "UPDATE";
}

// CometD payloads carry datetimes as `2025-04-24T13:18:26.000Z` (recorded),
// where REST writes `+0000`.
void append_event_value(const Value& v, std::string& out) {
  if (v.is_datetime()) {
    std::string text = v.as_datetime().in_utc().to_salesforce();
    if (text.size() > 5 && text.compare(text.size() - 5, 5, "+0000") == 0)
      text.replace(text.size() - 5, 5, "Z");
    append_json_string(text, out);
    return;
  }
  append_sf_json(v, out);
}

// A stable 22-character schema id per object, shaped like the real ones.
std::string schema_id(std::string_view object) {
  uint64_t h = 1469598103934665603ull;
  std::string bytes;
  for (int round = 0; round < 2; ++round) {
    for (char c : object) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    for (int i = 0; i < 8; ++i) bytes += static_cast<char>((h >> (8 * i)) & 0xff);
  }
  std::string b = base64(bytes).substr(0, 22);
  std::replace(b.begin(), b.end(), '+', '-');
  std::replace(b.begin(), b.end(), '/', '_');
  return b;
}

}  // namespace

std::string change_event_channel(std::string_view object) {
  std::string name(object);
  if (name.size() > 3 && name.compare(name.size() - 3, 3, "__c") == 0) name.pop_back();
  return "/data/" + name + "ChangeEvent";
}

CdcLog::CdcLog(Clock clock, int64_t retention_secs, size_t max_events)
    : clock_(std::move(clock)),
      retention_micros_(retention_secs * 1000000),
      max_events_(max_events == 0 ? 1 : max_events) {}

void CdcLog::append(const ChangeEvent& e, const ObjectDef& def) {
  std::lock_guard lock(mutex_);
  int sequence = e.transaction_key == last_txn_ && !last_txn_.empty() ? last_sequence_ + 1 : 1;
  last_txn_ = e.transaction_key;
  last_sequence_ = sequence;
  CdcEvent ev;
  ev.replay_id = ++last_id_;
  ev.commit_micros = e.commit_micros;
  ev.object = def.name;
  std::string& out = ev.data_json;
  out.reserve(512);
  out += "{\"schema\":\"" + schema_id(def.name) + "\",\"payload\":{\"ChangeEventHeader\":{";
  out += "\"entityName\":";
  append_json_string(def.name, out);
  out += ",\"recordIds\":[";
  append_json_string(e.record_id, out);
  out += "],\"changeType\":\"";
  out += change_type(e.type);
  out += "\",\"changedFields\":[";
  for (size_t i = 0; i < e.changed_fields.size(); ++i) {
    if (i) out += ',';
    append_json_string(e.changed_fields[i], out);
  }
  out += "],\"changeOrigin\":";
  append_json_string(e.origin, out);
  out += ",\"transactionKey\":";
  append_json_string(e.transaction_key, out);
  out += ",\"sequenceNumber\":" + std::to_string(sequence);
  out += ",\"commitTimestamp\":" + std::to_string(e.commit_micros / 1000);
  out += ",\"commitNumber\":" + std::to_string(1000000000000 + ++commit_number_);
  out += ",\"commitUser\":";
  append_json_string(e.user_id, out);
  out += '}';
  for (const Member& m : e.values) {
    out += ',';
    append_json_string(m.key, out);
    out += ':';
    append_event_value(m.value, out);
  }
  out += "},\"event\":{\"replayId\":" + std::to_string(ev.replay_id) + "}}";
  events_.push_back(std::move(ev));
  prune_locked();
  cv_.notify_all();
}

void CdcLog::clear() {
  std::lock_guard lock(mutex_);
  events_.clear();
  pruned_through_ = last_id_;
  cv_.notify_all();
}

void CdcLog::prune_locked() {
  int64_t oldest = clock_() - retention_micros_;
  while (!events_.empty() &&
         (events_.front().commit_micros < oldest || events_.size() > max_events_)) {
    pruned_through_ = events_.front().replay_id;
    events_.pop_front();
  }
}

std::optional<int64_t> CdcLog::start_after(int64_t replay) {
  std::lock_guard lock(mutex_);
  prune_locked();
  if (replay == -1) return last_id_;
  if (replay == -2) return pruned_through_;
  // The event N itself must still be retained (or N be the very start), and
  // N must have been handed out by this org.
  if (replay < 0 || replay > last_id_) return std::nullopt;
  if (replay < pruned_through_ || (replay == pruned_through_ && replay != 0)) return std::nullopt;
  return replay;
}

int64_t CdcLog::collect(int64_t after, std::string_view object, size_t max,
                        std::vector<CdcEvent>& out) {
  std::lock_guard lock(mutex_);
  prune_locked();
  if (events_.empty()) return std::max(after, last_id_);
  int64_t first = events_.front().replay_id;
  size_t i = after < first ? 0 : static_cast<size_t>(after - first + 1);
  int64_t seen = std::max(after, first - 1);
  size_t taken = 0;
  for (; i < events_.size() && taken < max; ++i) {
    const CdcEvent& e = events_[i];
    seen = e.replay_id;
    if (!object.empty() && e.object != object) continue;
    out.push_back(e);
    ++taken;
  }
  return seen;
}

CdcLog::Mark CdcLog::mark() {
  std::lock_guard lock(mutex_);
  return Mark{last_id_, wakes_};
}

bool CdcLog::wait(Mark seen, std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  cv_.wait_until(lock, deadline,
                 [&] { return shut_down_ || last_id_ != seen.last_id || wakes_ != seen.wakes; });
  return !shut_down_;
}

void CdcLog::wake() {
  std::lock_guard lock(mutex_);
  ++wakes_;
  cv_.notify_all();
}

void CdcLog::shutdown() {
  std::lock_guard lock(mutex_);
  shut_down_ = true;
  cv_.notify_all();
}

bool CdcLog::is_shut_down() {
  std::lock_guard lock(mutex_);
  return shut_down_;
}

}  // namespace crmsync::sandbox::salesforce
