#include <optional>

#include "connectors/salesforce/salesforce_connection.h"
#include "net/bounded_parallel.h"
#include "net/url.h"

namespace crmsync {

// sObject Collections take at most 200 records a call.
constexpr size_t kCollectionSize = 200;

Result<std::vector<WriteResult>> SalesforceConnection::write(const WriteRequest& req) {
  std::vector<WriteResult> results(req.items.size());
  for (WriteOp op : {WriteOp::remove, WriteOp::update, WriteOp::upsert, WriteOp::create}) {
    std::vector<size_t> indices;
    for (size_t i = 0; i < req.items.size(); ++i) {
      if (req.items[i].op == op) indices.push_back(i);
    }
    if (config_.bulk_threshold > 0 && indices.size() >= size_t(config_.bulk_threshold)) {
      auto res = bulk_write(req, op, indices);
      if (!res) return res.error().with_context("writing " + req.object);
      for (size_t k = 0; k < indices.size(); ++k) results[indices[k]] = std::move((*res)[k]);
      continue;
    }
    // The chunks are independent calls: up to max_parallel_requests of them
    // go out at once, each into its own slot, so results stay in order.
    size_t chunks = (indices.size() + kCollectionSize - 1) / kCollectionSize;
    std::vector<std::optional<Result<std::vector<WriteResult>>>> answers(chunks);
    net::run_bounded_parallel(
        chunks, static_cast<size_t>(config_.max_parallel_requests), [&](size_t c) {
          size_t start = c * kCollectionSize;
          size_t n = std::min(kCollectionSize, indices.size() - start);
          answers[c].emplace(
              write_chunk(req, op, std::span<const size_t>(indices.data() + start, n)));
        });
    // A setup problem (fatal, auth) fails the call. A transient failure of
    // one chunk fails its records only: the other chunks' records were
    // written and must be recorded as such. When the chunk's answer was
    // lost, every one of its records carries outcome_unknown (a create
    // among them may have been applied).
    for (size_t c = 0; c < chunks; ++c) {
      size_t start = c * kCollectionSize;
      if (!answers[c]->ok()) {
        const Error& e = answers[c]->error();
        if (e.kind == ErrorKind::fatal || e.kind == ErrorKind::auth) return e;
        size_t n = std::min(kCollectionSize, indices.size() - start);
        for (size_t k = 0; k < n; ++k) {
          results[indices[start + k]].ok = false;
          results[indices[start + k]].error = e;
        }
        continue;
      }
      for (size_t k = 0; k < (*answers[c])->size(); ++k) {
        results[indices[start + k]] = std::move((**answers[c])[k]);
      }
    }
  }
  return results;
}

Result<std::vector<WriteResult>> SalesforceConnection::write_chunk(const WriteRequest& req,
                                                                   WriteOp op,
                                                                   std::span<const size_t> idx) {
  std::string method, path, body;
  if (op == WriteOp::remove) {
    std::string ids;
    for (size_t i : idx) ids += (ids.empty() ? "" : ",") + req.items[i].target_id;
    method = "DELETE";
    path = "/composite/sobjects?allOrNone=false&ids=" + net::url_encode(ids);
  } else {
    if (op == WriteOp::upsert && req.external_id.empty()) {
      return Error(ErrorKind::fatal, "salesforce upsert into " + req.object +
                                         " needs the target's external_id field");
    }
    method = op == WriteOp::create ? "POST" : "PATCH";
    path = op == WriteOp::upsert ? "/composite/sobjects/" + net::url_encode(req.object) + "/" +
                                       net::url_encode(req.external_id)
                                 : "/composite/sobjects";
    body = "{\"allOrNone\":false,\"records\":[";
    for (size_t k = 0; k < idx.size(); ++k) {
      const WriteItem& it = req.items[idx[k]];
      if (k) body += ',';
      append_record_json(it.record, req.object, op == WriteOp::update ? it.target_id : "", body);
    }
    body += "]}";
  }
  auto res = call(method, path, body);
  if (!res) return res.error().with_context("writing " + req.object);
  auto results = parse_collection_results(res->body, idx.size());
  if (!results) return results.error().with_context("writing " + req.object);
  for (size_t k = 0; k < idx.size(); ++k) {
    WriteResult& r = (*results)[k];
    if (op == WriteOp::create && r.ok) r.created = true;
    if ((op == WriteOp::update || op == WriteOp::remove) && r.target_id.empty()) {
      r.target_id = req.items[idx[k]].target_id;
    }
  }
  return results;
}

}  // namespace crmsync
