#include "connectors/rest/rest_connection.h"
#include "connectors/rest/rest_text.h"
#include "core/json.h"

namespace crmsync {

namespace {

// The id a create answered with: at write_pointer + id_pointer in the body,
// else the last segment of a Location header.
std::string answered_id(const RestClient::Answer& a, const RestObject& o) {
  if (const Value* rec = json_pointer(a.json, o.write_pointer)) {
    if (const Value* id = json_pointer(*rec, o.id_pointer); id && !id->is_null()) {
      return id->to_text();
    }
  }
  if (auto loc = net::find_header(a.headers, "Location")) {
    std::string path = loc->substr(0, loc->find('?'));
    while (!path.empty() && path.back() == '/') path.pop_back();
    return path.substr(path.rfind('/') + 1);
  }
  return "";
}

}  // namespace

WriteResult RestConnection::write_one(const WriteItem& item, const RestObject& o,
                                      const WriteRequest& req) {
  WriteResult res;
  auto fail = [&](Error e) {
    res.ok = false;
    res.error = std::move(e);
    return res;
  };
  std::string target_id = item.target_id;
  WriteOp op = item.op;
  if (op == WriteOp::upsert) {
    // No API-side upsert in plain REST: find by the external id, then update
    // or create.
    const Value* key = item.record.get(req.external_id);
    if (key == nullptr || key->is_null()) {
      return fail(Error(ErrorKind::rejected, "no value in " + req.external_id + " to upsert on"));
    }
    Value k = *key;
    auto found = search(o.name, req.id_field, req.external_id, std::span<const Value>(&k, 1));
    if (!found) return fail(found.error());
    op = found->empty() ? WriteOp::create : WriteOp::update;
    if (!found->empty()) target_id = found->front().id();
  }
  switch (op) {
    case WriteOp::remove: {
      auto a = call("DELETE", rest_path_for(o.delete_path, target_id));
      // Already gone is what a delete wants.
      if (!a && client_.last_status() != 404 && client_.last_status() != 410) {
        return fail(a.error());
      }
      res.ok = true;
      res.target_id = target_id;
      return res;
    }
    case WriteOp::update: {
      if (o.update_path.empty()) {
        return fail(Error(ErrorKind::fatal, "rest " + o.name + ": updates are not offered"));
      }
      auto a = call(o.update_method, rest_path_for(o.update_path, target_id), to_json(item.record));
      if (!a) return fail(a.error());
      res.ok = true;
      res.target_id = target_id;
      return res;
    }
    case WriteOp::create:
    case WriteOp::upsert: {
      if (o.create_path.empty()) {
        return fail(Error(ErrorKind::fatal, "rest " + o.name + ": creates are not offered"));
      }
      auto a = call("POST", o.create_path, to_json(item.record));
      if (!a) return fail(a.error());
      std::string id = answered_id(*a, o);
      if (id.empty()) {
        // Created, but we cannot tell which id it got: the engine must not
        // write it again blindly, and the operator must see why.
        return fail(Error(ErrorKind::fatal,
                          "rest " + o.name + ": the create answer has no id at '" +
                              o.write_pointer + o.id_pointer + "' and no Location header"));
      }
      res.ok = true;
      res.created = true;
      res.target_id = id;
      return res;
    }
  }
  return res;
}

Result<std::vector<WriteResult>> RestConnection::write(const WriteRequest& req) {
  auto obj = object(req.object);
  if (!obj) return obj.error();
  std::vector<WriteResult> results(req.items.size());
  for (size_t i = 0; i < req.items.size(); ++i) {
    results[i] = write_one(req.items[i], **obj, req);
    // A rejected record, or one whose answer was lost (the API took the
    // request: the engine looks that record up), does not stop the others.
    if (results[i].ok || results[i].error.kind == ErrorKind::rejected ||
        results[i].error.outcome_unknown) {
      continue;
    }
    // The API itself failed (down, limited, credentials): the rest of the
    // batch is not sent and gets the same error, to be retried by record.
    // They were never sent, so their outcome is known even when the
    // failed record's answer was lost.
    Error e = results[i].error.with_context("not sent after an earlier failure");
    e.outcome_unknown = false;
    for (size_t k = i + 1; k < req.items.size(); ++k) results[k].error = e;
    break;
  }
  return results;
}

}  // namespace crmsync
