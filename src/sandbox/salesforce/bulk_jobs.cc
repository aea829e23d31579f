#include "sandbox/salesforce/bulk_jobs.h"

#include "core/csv.h"
#include "core/json.h"
#include "core/time.h"

namespace crmsync::sandbox::salesforce {
namespace {

std::string stamp(int64_t micros) {
  return DateTime{micros / 1000 * 1000, 0}.to_salesforce();
}

void field(std::string& out, const char* key, const std::string& value) {
  out += ',';
  append_json_string(key, out);
  out += ':';
  append_json_string(value, out);
}

void number(std::string& out, const char* key, const std::string& text) {
  out += ",\"";
  out += key;
  out += "\":";
  out += text;
}

}  // namespace

char BulkJob::delimiter() const {
  char d = csv_delimiter_of(column_delimiter);
  return d ? d : ',';
}

// Field order as the recorded answers (fixtures/recorded/salesforce/bulk).
std::string job_info_json(const BulkJob& j, bool created, bool full) {
  std::string out = "{\"id\":";
  append_json_string(j.id, out);
  field(out, "operation", j.operation);
  field(out, "object", j.object);
  field(out, "createdById", j.created_by);
  field(out, "createdDate", stamp(j.created_micros));
  field(out, "systemModstamp", stamp(j.modstamp_micros));
  field(out, "state", j.state);
  if (!j.external_id_field.empty()) field(out, "externalIdFieldName", j.external_id_field);
  field(out, "concurrencyMode", "Parallel");
  field(out, "contentType", "CSV");
  number(out, "apiVersion", j.api_version);
  if (created && !j.query) {
    field(out, "contentUrl",
          "services/data/v" + j.api_version + "/jobs/ingest/" + j.id + "/batches");
  }
  if (full) field(out, "jobType", j.query ? "V2Query" : "V2Ingest");
  if (created || full) {
    field(out, "lineEnding", j.line_ending);
    field(out, "columnDelimiter", j.column_delimiter);
  }
  if (full) {
    number(out, "numberRecordsProcessed", std::to_string(j.processed));
    if (!j.query) number(out, "numberRecordsFailed", std::to_string(j.failed));
    number(out, "retries", "0");
    number(out, "totalProcessingTime", std::to_string(j.processing_millis));
    if (!j.query) {
      number(out, "apiActiveProcessingTime", std::to_string(j.processing_millis));
      number(out, "apexProcessingTime", "0");
    } else {
      out += ",\"isPkChunkingSupported\":true";
    }
    if (!j.error_message.empty()) field(out, "errorMessage", j.error_message);
  }
  return out + "}";
}

}  // namespace crmsync::sandbox::salesforce
