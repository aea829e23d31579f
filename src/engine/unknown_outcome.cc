// Creates whose outcome is unknown (DESIGN.md 4.4, issue 30): the request
// may have been applied although no answer came back (a reset or timeout
// after it was sent, a 502/504 from a proxy). Sending it again could make a
// duplicate, so the record is looked up by the flow's match key first:
// found -> the create was applied, link it and update it; absent -> create
// it. Where nothing can be looked up, the record is parked and its create
// intent stays open: it is never created twice.
#include <algorithm>

#include "engine/flow_item.h"
#include "engine/flow_runner.h"

namespace crmsync {

namespace {

// Rounds of look-up and resend for creates that lose their answer again.
constexpr int kLostCreateRounds = 3;
// Values per search call (URL and SOQL lengths stay well within limits).
constexpr size_t kLookupBatch = 200;

}  // namespace

bool FlowRunner::can_look_up(const Item& item) const {
  return !flow_.match_target_field.empty() && flow_.target_caps.search_by_field &&
         !item.match_value.is_null() &&
         !(item.match_value.is_string() && item.match_value.as_string().empty());
}

bool FlowRunner::intent_stays_open(const Item& item) const {
  // A lost answer always keeps it. Any other transient failure keeps it
  // too when a look-up is possible (cheap, and safe against a connector
  // that does not flag every unknown outcome); without a look-up the
  // intent would block the record forever, so only a flagged unknown
  // outcome keeps it.
  if (item.error->outcome_unknown) return true;
  return item.error->kind == ErrorKind::retryable && can_look_up(item);
}

void FlowRunner::park_unverifiable(Item& item, std::string_view cause) {
  std::string why;
  if (flow_.match_target_field.empty()) {
    why = "no match key to check";
  } else if (!flow_.target_caps.search_by_field) {
    why = "the target offers no look-up by " + flow_.match_target_field + " to check";
  } else {
    why = "its match key " + flow_.match_target_field + " is empty, nothing to check";
  }
  Error e(ErrorKind::rejected, "create of record " + item.source_id + " " + std::string(cause) +
                                   "; " + why +
                                   ": add match: or check the target, then `crmsync retry`");
  e.outcome_unknown = true;
  item.error = std::move(e);
  item.action = Item::Action::create;
  unverifiable_.insert(item.source_id);
}

Result<std::unordered_map<std::string, std::string>> FlowRunner::look_up(
    const std::string& field, const std::vector<Value>& values) {
  std::unordered_map<std::string, std::string> found;
  for (size_t i = 0; i < values.size(); i += kLookupBatch) {
    size_t n = std::min(kLookupBatch, values.size() - i);
    auto hits = flow_.target->search(flow_.config->target.object, flow_.config->target.id_field,
                                     field, std::span<const Value>(values.data() + i, n));
    if (!hits) return hits.error();
    for (const Record& r : *hits) {
      if (const Value* v = r.get(field)) found.emplace(v->to_text(), r.id());
    }
  }
  return found;
}

Status FlowRunner::resolve_lost_creates(std::vector<Item*>& lost, std::vector<WriteItem>& writes) {
  const TargetConfig& tgt = flow_.config->target;
  const std::string& field = flow_.match_target_field;
  auto still_unknown = [&](Item& it, const std::string& detail) {
    Error e(ErrorKind::retryable, "create of record " + it.source_id +
                                      " may have been applied; answer lost; it is looked up by " +
                                      field + " before it is sent again" + detail);
    e.outcome_unknown = true;
    it.error = std::move(e);
  };
  std::vector<size_t> open(lost.size());
  for (size_t k = 0; k < open.size(); ++k) open[k] = k;
  for (int round = 0; round < kLostCreateRounds && !open.empty(); ++round) {
    std::vector<size_t> ask;
    std::vector<Value> values;
    for (size_t k : open) {
      if (!can_look_up(*lost[k])) {
        park_unverifiable(*lost[k], "may have been applied; answer lost");
        continue;
      }
      ask.push_back(k);
      values.push_back(lost[k]->match_value);
    }
    open.clear();
    if (ask.empty()) break;
    auto found = look_up(field, values);
    if (!found) {
      if (found.error().kind == ErrorKind::fatal || found.error().kind == ErrorKind::auth) {
        return found.error().with_context("flow " + flow_.name() + ": looking up creates by " +
                                          field + " after a lost answer");
      }
      // The intents stay open: the next run looks them up before anything.
      for (size_t k : ask) still_unknown(*lost[k], ": " + found.error().message);
      return {};
    }
    std::vector<size_t> update, create;
    for (size_t k : ask) {
      auto f = found->find(lost[k]->match_value.to_text());
      if (f == found->end()) {
        create.push_back(k);
      } else {
        lost[k]->target_id = f->second;
        update.push_back(k);
      }
    }
    for (WriteOp op : {WriteOp::update, WriteOp::create}) {
      const std::vector<size_t>& idx = op == WriteOp::update ? update : create;
      if (idx.empty()) continue;
      WriteRequest req;
      req.object = tgt.object;
      req.id_field = tgt.id_field;
      req.external_id = tgt.external_id;
      std::vector<WriteItem> items;
      for (size_t k : idx) {
        WriteItem& w = items.emplace_back(writes[k]);
        w.op = op;
        w.target_id = op == WriteOp::update ? lost[k]->target_id : std::string();
      }
      req.items = items;
      auto res = write_call(req);
      if (!res && (res.error().kind == ErrorKind::fatal || res.error().kind == ErrorKind::auth)) {
        return res.error().with_context("flow " + flow_.name() + ": writing " + tgt.object);
      }
      for (size_t j = 0; j < idx.size(); ++j) {
        Item& it = *lost[idx[j]];
        Error e = res ? (*res)[j].error : res.error();
        if (res && (*res)[j].ok) {
          it.error.reset();
          it.created = true;  // by this run: the lost create or this one
          if (!(*res)[j].target_id.empty()) it.target_id = (*res)[j].target_id;
          continue;
        }
        if (op == WriteOp::create && e.outcome_unknown) {
          open.push_back(idx[j]);  // lost again: look it up again
          continue;
        }
        it.error = e.with_context("record " + it.source_id);
        // Found means created: keep the link even though the update failed.
        if (op == WriteOp::update) it.link_despite_error = true;
      }
    }
  }
  for (size_t k : open) still_unknown(*lost[k], "");
  return {};
}

}  // namespace crmsync
