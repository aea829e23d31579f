#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/connector.h"
#include "connectors/salesforce/salesforce_bulk.h"
#include "connectors/salesforce/salesforce_json.h"

namespace crmsync {

// The CSV an ingest job uploads for items `idx` of a write, and the key each
// item's row carries back. Salesforce's result files echo every row's
// original cells but not in upload order, and take no extra column, so a
// result finds its item by those cells (identical rows are interchangeable).
struct BulkUpload {
  std::string csv;
  std::vector<std::string> keys;  // per position in idx
  size_t columns = 0;
};

// Columns: the union of the records' fields in first-seen order ("Id" first
// for update and delete, only "Id" for delete); a parent given by external
// id (Account: {Ext__c: ..}) becomes "Account.Ext__c". A field a record
// lacks is an empty cell (left alone); null and "" are "#N/A" (cleared), as
// a JSON null is over REST.
BulkUpload bulk_upload_csv(const WriteRequest& request, WriteOp op, std::span<const size_t> idx);

// Fills results[k] for every row of a successfulResults (`failed` false) or
// failedResults file, matching rows to `upload.keys`; `matched[k]` marks the
// items found. A row that matches no item is an error naming the job.
Status apply_bulk_results(std::string_view csv, bool failed, const BulkUpload& upload,
                          const BulkJob& job, WriteOp op, std::vector<WriteResult>& results,
                          std::vector<bool>& matched);

// One sf__Error cell ("CODE:message:Field --") as a per-record Error.
Error bulk_row_error(std::string_view cell);

}  // namespace crmsync
