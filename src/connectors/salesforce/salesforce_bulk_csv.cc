#include "connectors/salesforce/salesforce_bulk_csv.h"

#include <unordered_map>

#include "connectors/salesforce/salesforce_client.h"
#include "core/csv.h"
#include "core/json.h"

namespace crmsync {
namespace {

constexpr char kKeySep = '\x1f';

std::string cell_text(const Value& v) {
  if (v.is_null() || (v.is_string() && v.as_string().empty())) return "#N/A";
  if (v.is_bool()) return v.as_bool() ? "true" : "false";
  if (v.is_datetime()) return v.as_datetime().to_salesforce();
  if (v.is_date()) return v.as_date().to_string();
  if (v.is_string()) return v.as_string();
  if (v.is_array() || v.is_object()) return to_json(v);
  return v.to_text();
}

// The (column, cell) pairs of one record.
void cells_of(const Record& r, std::vector<std::pair<std::string, std::string>>& out) {
  out.clear();
  for (size_t i = 0; i < r.size(); ++i) {
    const std::string& name = r.name(i);
    if (name == "Id" || name == "attributes") continue;
    const Value& v = r.value(i);
    if (v.is_object()) {
      for (const Member& m : v.as_object()) {
        if (m.key != "attributes") out.emplace_back(name + "." + m.key, cell_text(m.value));
      }
      continue;
    }
    out.emplace_back(name, cell_text(v));
  }
}

}  // namespace

BulkUpload bulk_upload_csv(const WriteRequest& req, WriteOp op, std::span<const size_t> idx) {
  BulkUpload up;
  std::vector<std::string> header;
  std::unordered_map<std::string, size_t> column;
  bool by_id = op == WriteOp::update || op == WriteOp::remove;
  if (by_id) {
    header.push_back("Id");
    column["Id"] = 0;
  }
  std::vector<std::pair<std::string, std::string>> cells;
  if (op != WriteOp::remove) {
    for (size_t i : idx) {
      cells_of(req.items[i].record, cells);
      for (const auto& [name, text] : cells) {
        if (column.emplace(name, header.size()).second) header.push_back(name);
      }
    }
  }
  up.columns = header.size();
  for (size_t c = 0; c < header.size(); ++c) {
    if (c) up.csv += ',';
    append_csv_quoted(header[c], up.csv);
  }
  up.csv += '\n';
  std::vector<std::string> row(header.size());
  up.keys.reserve(idx.size());
  for (size_t i : idx) {
    std::fill(row.begin(), row.end(), std::string());
    if (by_id) row[0] = req.items[i].target_id;
    if (op != WriteOp::remove) {
      cells_of(req.items[i].record, cells);
      for (auto& [name, text] : cells) row[column[name]] = std::move(text);
    }
    std::string key;
    for (size_t c = 0; c < row.size(); ++c) {
      if (c) {
        up.csv += ',';
        key += kKeySep;
      }
      append_csv_quoted(row[c], up.csv);
      key += row[c];
    }
    up.csv += '\n';
    up.keys.push_back(std::move(key));
  }
  return up;
}

Error bulk_row_error(std::string_view cell) {
  std::string_view text = cell;
  if (text.size() >= 3 && text.substr(text.size() - 3) == " --") text.remove_suffix(3);
  size_t colon = text.find(':');
  std::string code(text.substr(0, colon));
  ErrorKind kind = salesforce_error_kind(code, 400);
  // Per record, a field or type problem is this record's, not the setup's.
  if (kind == ErrorKind::fatal && code != "REQUEST_LIMIT_EXCEEDED") kind = ErrorKind::rejected;
  std::string message = colon == std::string_view::npos
                            ? std::string(text)
                            : code + ": " + std::string(text.substr(colon + 1));
  return Error(kind, message);
}

Status apply_bulk_results(std::string_view csv, bool failed, const BulkUpload& up,
                          const BulkJob& job, WriteOp op, std::vector<WriteResult>& results,
                          std::vector<bool>& matched) {
  // key -> the positions still waiting for a result with that key
  std::unordered_map<std::string_view, std::vector<size_t>> waiting;
  for (size_t k = up.keys.size(); k-- > 0;) {
    if (!matched[k]) waiting[up.keys[k]].push_back(k);
  }
  CsvReader reader(csv);
  std::vector<std::string> cells;
  const char* file = failed ? "failedResults" : "successfulResults";
  if (!reader.next(cells)) return {};  // empty file: no rows
  if (cells.size() != up.columns + 2) {
    return Error(ErrorKind::fatal, job.what() + ": " + file + " has " +
                                       std::to_string(cells.size()) + " columns, expected " +
                                       std::to_string(up.columns + 2));
  }
  std::string key;
  while (reader.next(cells)) {
    if (cells.size() == 1 && cells[0].empty()) continue;
    if (cells.size() != up.columns + 2) {
      return Error(ErrorKind::fatal, job.what() + ": " + file + " row " +
                                         std::to_string(reader.row()) + " has " +
                                         std::to_string(cells.size()) + " columns");
    }
    key.clear();
    for (size_t c = 2; c < cells.size(); ++c) {
      if (c > 2) key += kKeySep;
      key += cells[c];
    }
    auto it = waiting.find(key);
    if (it == waiting.end() || it->second.empty()) {
      return Error(ErrorKind::fatal, job.what() + ": " + file + " row " +
                                         std::to_string(reader.row()) +
                                         " matches no record that was sent");
    }
    size_t k = it->second.back();
    it->second.pop_back();
    matched[k] = true;
    WriteResult& r = results[k];
    r.target_id = cells[0];
    r.ok = !failed;
    if (failed) {
      r.error = bulk_row_error(cells[1]);
    } else {
      r.created = op == WriteOp::create || (op == WriteOp::upsert && cells[1] == "true");
    }
  }
  if (!reader.error().empty()) {
    return Error(ErrorKind::retryable, job.what() + ": " + file + ": " + reader.error());
  }
  return {};
}

}  // namespace crmsync
