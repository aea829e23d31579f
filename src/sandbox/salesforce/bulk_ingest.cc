// Runs a Bulk API 2.0 ingest job's CSV through the store, row by row, with
// the validation of the REST API, and writes the three result files.
#include <algorithm>

#include "core/csv.h"
#include "sandbox/salesforce/bulk_jobs.h"
#include "sandbox/salesforce/ids.h"
#include "sandbox/salesforce/sandbox_state.h"

namespace crmsync::sandbox::salesforce {
namespace {

// How the result files write an error: "CODE:message --", or with the
// fields "CODE:message:Field1,Field2 --" (recorded partial-failure.csv).
std::string error_cell(const SfError& e) {
  std::string out = e.code + ":" + e.message;
  for (size_t i = 0; i < e.fields.size(); ++i) out += (i ? "," : ":") + e.fields[i];
  return out + " --";
}

const char* xsd_type(FieldType t) {
  switch (t) {
    case FieldType::boolean:
      return "xsd:boolean";
    case FieldType::integer:
      return "xsd:int";
    case FieldType::double_:
    case FieldType::currency:
    case FieldType::percent:
      return "xsd:double";
    case FieldType::date:
      return "xsd:date";
    case FieldType::datetime:
      return "xsd:dateTime";
    default:
      return "xsd:string";
  }
}

// A cell the store could not convert: Bulk reports it as INVALID_FIELD
// naming the (0-based) column, where REST says JSON_PARSER_ERROR.
SfError as_bulk_error(SfError e, const ObjectDef& def, const std::vector<std::string>& header,
                      const std::vector<std::string>& cells) {
  if (e.code != "JSON_PARSER_ERROR" || e.fields.empty()) return e;
  for (size_t col = 0; col < header.size(); ++col) {
    if (!iequals(header[col], e.fields[0])) continue;
    int f = def.field_index(header[col]);
    if (f < 0) break;
    return sf_error(400, "INVALID_FIELD",
                    "Failed to deserialize field at col " + std::to_string(col) + ". Due to, '" +
                        cells[col] + "' is not a valid value for the type " +
                        xsd_type(def.fields[static_cast<size_t>(f)].type),
                    {def.fields[static_cast<size_t>(f)].name});
  }
  return e;
}

void append_row(const std::string& first, const std::string& second,
                const std::vector<std::string>& cells, char delim, const char* eol,
                std::string& out) {
  append_csv_quoted(first, out);
  out += delim;
  append_csv_quoted(second, out);
  for (const std::string& c : cells) {
    out += delim;
    append_csv_quoted(c, out);
  }
  out += eol;
}

// The line-ending check Salesforce makes before it reads any row.
std::string line_ending_error(const BulkJob& job) {
  size_t lf = job.upload.find('\n');
  if (lf == std::string::npos) return "";
  bool crlf = lf > 0 && job.upload[lf - 1] == '\r';
  if (crlf == (job.line_ending == "CRLF")) return "";
  return "ClientInputError : LineEnding is invalid on user data. Current LineEnding setting is " +
         job.line_ending;
}

struct Outcome {
  std::string id;
  std::optional<SfError> error;
  bool created = false;
};

constexpr size_t kBatchRows = 10000;

// One row written in its own transaction, validated as REST validates.
Outcome write_row(SandboxState& s, const BulkJob& job, const ObjectDef& def,
                  const WriteContext& ctx, const std::vector<std::string>& header,
                  const std::vector<std::string>& cells, int id_col, int key_col) {
  bool by_id = job.operation != "insert" && job.operation != "upsert";
  Object body;
  for (size_t i = 0; i < header.size(); ++i) {
    if (static_cast<int>(i) == id_col && by_id) continue;
    if (static_cast<int>(i) == key_col) continue;
    // An empty cell leaves the field alone; #N/A empties it.
    if (cells[i].empty()) continue;
    body.push_back(Member{header[i], cells[i] == "#N/A" ? Value() : Value(cells[i])});
  }
  Outcome o;
  auto txn = s.store->begin(ctx);
  std::string given_id = id_col >= 0 ? cells[static_cast<size_t>(id_col)] : "";
  if (job.operation == "insert") {
    auto r = txn->create(def, body);
    if (auto* e = std::get_if<SfError>(&r)) {
      o.error = *e;
    } else {
      o.id = std::get<std::string>(r);
      o.created = true;
    }
  } else if (job.operation == "upsert") {
    auto r = txn->upsert(def, job.external_id_field, cells[static_cast<size_t>(key_col)], body);
    if (auto* e = std::get_if<SfError>(&r)) {
      o.error = *e;
    } else {
      o.id = std::get<Store::Txn::Upserted>(r).id;
      o.created = std::get<Store::Txn::Upserted>(r).created;
    }
  } else if (given_id.empty()) {
    o.error =
        sf_error(400, "MISSING_ARGUMENT", "Id not specified in an " + job.operation + " call");
  } else {
    o.id = normalize_id(given_id).value_or(given_id);
    auto r =
        job.operation == "update" ? txn->update(def, given_id, body) : txn->remove(def, given_id);
    if (auto* e = std::get_if<SfError>(&r)) o.error = *e;
  }
  if (!o.error) txn->commit();
  return o;
}

}  // namespace

void process_ingest(SandboxState& s, BulkJob& job) {
  int64_t started = s.now();
  size_t header_end = job.upload.find('\n');
  job.header_line = job.upload.substr(0, header_end);
  if (!job.header_line.empty() && job.header_line.back() == '\r') job.header_line.pop_back();
  std::string body_rows = header_end == std::string::npos ? "" : job.upload.substr(header_end + 1);
  auto fail = [&](std::string message) {
    job.state = "Failed";
    job.error_message = std::move(message);
    job.unprocessed_rows = body_rows;
    job.modstamp_micros = s.now();
  };
  const ObjectDef* def = s.schema->find(job.object);
  if (std::string e = line_ending_error(job); !e.empty()) return fail(e);
  CsvReader csv(job.upload, job.delimiter());
  std::vector<std::string> header, cells;
  if (!csv.next(header) || (header.size() == 1 && header[0].empty())) {
    return fail("InvalidBatch : The header row is missing or empty");
  }
  int id_col = -1, key_col = -1;
  for (size_t i = 0; i < header.size(); ++i) {
    if (def->field_index(header[i]) < 0)
      return fail("InvalidBatch : Field name not found : " + header[i]);
    if (iequals(header[i], "Id")) id_col = static_cast<int>(i);
    if (iequals(header[i], job.external_id_field)) key_col = static_cast<int>(i);
  }
  if (job.operation == "upsert" && key_col < 0) {
    return fail("InvalidBatch : The External ID field " + job.external_id_field +
                " is not in the header");
  }
  if ((job.operation == "delete" || job.operation == "hardDelete") && id_col < 0) {
    return fail("InvalidBatch : Field name not found : Id");
  }
  // Salesforce rejects a malformed file before it writes any row.
  CsvReader check(job.upload, job.delimiter());
  while (check.next(cells)) {
    if (check.row() == 1 || (cells.size() == 1 && cells[0].empty() && !check.quoted(0))) continue;
    if (cells.size() != header.size()) {
      return fail("InvalidBatch : Wrong number of columns in row " + std::to_string(check.row()) +
                  ": expected " + std::to_string(header.size()) + ", found " +
                  std::to_string(cells.size()));
    }
  }
  if (!check.error().empty()) return fail("ClientInputError : " + check.error());
  const char delim = job.delimiter();
  const char* eol = job.eol();
  WriteContext ctx{job.created_by, "com/salesforce/api/bulk/" + job.api_version};
  // Salesforce runs a job as batches of 10,000 rows in parallel and keeps no
  // order in the result files; here the batches come last first, so a
  // client that pairs results with its rows by position finds out.
  std::vector<std::string> ok_batches(1), bad_batches(1);
  size_t in_batch = 0;
  while (csv.next(cells)) {
    if (cells.size() == 1 && cells[0].empty() && !csv.quoted(0)) continue;  // blank line
    if (in_batch++ == kBatchRows) {
      ok_batches.emplace_back();
      bad_batches.emplace_back();
      in_batch = 1;
    }
    Outcome o = write_row(s, job, *def, ctx, header, cells, id_col, key_col);
    ++job.processed;
    if (o.error) {
      ++job.failed;
      append_row(job.operation == "insert" || job.operation == "upsert" ? "" : o.id,
                 error_cell(as_bulk_error(*o.error, *def, header, cells)), cells, delim, eol,
                 bad_batches.back());
    } else {
      append_row(o.id, o.created ? "true" : "false", cells, delim, eol, ok_batches.back());
    }
  }
  for (size_t b = ok_batches.size(); b-- > 0;) {
    job.successful_rows += ok_batches[b];
    job.failed_rows += bad_batches[b];
  }
  job.state = "JobComplete";
  job.modstamp_micros = s.now();
  job.processing_millis = (job.modstamp_micros - started) / 1000;
}

}  // namespace crmsync::sandbox::salesforce
