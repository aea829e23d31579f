// Writes through one Bulk API 2.0 ingest job: create, upload, close, wait,
// then the result files back onto the items.
#include "connectors/salesforce/salesforce_bulk.h"
#include "connectors/salesforce/salesforce_bulk_csv.h"
#include "connectors/salesforce/salesforce_connection.h"

namespace crmsync {
namespace {

const char* operation_of(WriteOp op) {
  switch (op) {
    case WriteOp::create:
      return "insert";
    case WriteOp::update:
      return "update";
    case WriteOp::upsert:
      return "upsert";
    case WriteOp::remove:
      return "delete";
  }
  return "insert";
}

// Once a job is closed Salesforce may have written its rows. Sending the
// items again is harmless for update, upsert and delete; creates would be
// made twice, so the flow stops and the next run settles its create intents
// by the match key (DESIGN.md 4.4).
Error after_close(Error e, WriteOp op, const BulkJob& job) {
  if (op == WriteOp::create && e.kind == ErrorKind::retryable) {
    e.kind = ErrorKind::fatal;
    e.message += " (" + job.id +
                 " was submitted; its creates are settled by the flow's match key on the next "
                 "run rather than sent again)";
  }
  return e;
}

}  // namespace

Result<std::vector<WriteResult>> SalesforceConnection::bulk_write(const WriteRequest& req,
                                                                  WriteOp op,
                                                                  std::span<const size_t> idx) {
  if (op == WriteOp::upsert && req.external_id.empty()) {
    return Error(ErrorKind::fatal,
                 "salesforce upsert into " + req.object + " needs the target's external_id field");
  }
  BulkUpload up = bulk_upload_csv(req, op, idx);
  auto job = bulk_create_ingest(*this, req.object, operation_of(op),
                                op == WriteOp::upsert ? req.external_id : "");
  if (!job) return job.error();
  if (Status s = bulk_upload(*this, *job, up.csv); !s) {
    // Not closed, so nothing was written: the engine may send it all again.
    bulk_abort(*this, *job);
    return s.error();
  }
  auto closed = bulk_close(*this, *job);
  if (!closed) {
    bulk_abort(*this, *job);
    return closed.error();
  }
  auto done = bulk_wait(*this, *closed);
  if (!done) return after_close(done.error(), op, *job);

  std::vector<WriteResult> results(idx.size());
  std::vector<bool> matched(idx.size(), false);
  if (done->processed > 0) {
    for (bool failed : {false, true}) {
      auto csv = bulk_ingest_results(*this, *done, failed ? "failedResults" : "successfulResults");
      if (!csv) return after_close(csv.error(), op, *done);
      if (Status s = apply_bulk_results(*csv, failed, up, *done, op, results, matched); !s) {
        return after_close(s.error(), op, *done);
      }
    }
  } else if (done->state == "Failed") {
    // Nothing was written: a setup problem (an unknown field, a missing
    // external id column) stops the flow with Salesforce's words.
    return Error(ErrorKind::fatal, done->what() + " failed: " + done->error_message);
  }
  for (size_t k = 0; k < idx.size(); ++k) {
    const WriteItem& item = req.items[idx[k]];
    if (!matched[k]) {
      // The job ended (Failed, Aborted) before it got to this row; sending
      // it again later is safe.
      results[k].ok = false;
      results[k].error =
          Error(ErrorKind::retryable,
                done->what() + " ended " + done->state + " before processing this record" +
                    (done->error_message.empty() ? "" : ": " + done->error_message));
      continue;
    }
    if ((op == WriteOp::update || op == WriteOp::remove) && results[k].target_id.empty()) {
      results[k].target_id = item.target_id;
    }
  }
  return results;
}

}  // namespace crmsync
