// The Salesforce Bulk API CSV reader: a successfulResults or failedResults
// file (the first byte says which) matched back to the rows an ingest job
// uploaded; then every cell read as an sf__Error. Any file is applied or is
// an error naming the job; no item is matched twice.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/salesforce/salesforce_bulk_csv.h"
#include "core/csv.h"
#include "fuzz_check.h"

namespace {

using namespace crmsync;

// Three contacts, two of them identical (interchangeable rows), as the
// ingest job uploaded them.
const std::vector<WriteItem>& items() {
  static const std::vector<WriteItem> all = [] {
    std::vector<WriteItem> out;
    auto names = make_field_names({"LastName", "Email", "Account"});
    for (const char* last : {"Lovelace", "Hopper", "Hopper"}) {
      WriteItem item;
      item.op = WriteOp::create;
      item.record = Record(names);
      item.record.value(0) = last;
      item.record.value(1) = std::string(last) + "@example.com";
      item.record.value(2) = Value(Object{{"Ext__c", Value("A-1")}});
      out.push_back(std::move(item));
    }
    return out;
  }();
  return all;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  bool failed = (data[0] & 1) != 0;
  std::string_view csv(reinterpret_cast<const char*>(data) + 1, size - 1);
  const size_t idx[] = {0, 1, 2};
  static const BulkUpload upload =
      bulk_upload_csv(WriteRequest{"Contact", "", "", items()}, WriteOp::create, idx);
  BulkJob job;
  job.id = "7500000000000001AAA";
  job.object = "Contact";
  job.operation = "insert";
  std::vector<WriteResult> results(3);
  std::vector<bool> matched(3, false);
  Status st = apply_bulk_results(csv, failed, upload, job, WriteOp::create, results, matched);
  if (!st) {
    FUZZ_CHECK(st.error().message.find(job.id) != std::string::npos, "%s",
               st.error().message.c_str());
  }
  CsvReader reader(csv);
  std::vector<std::string> cells;
  while (reader.next(cells)) {
    for (const std::string& cell : cells) (void)bulk_row_error(cell);
  }
  return 0;
}
