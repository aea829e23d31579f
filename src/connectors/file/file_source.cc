#include <algorithm>
#include <filesystem>
#include <set>

#include "connectors/file/file_connection.h"

namespace crmsync {
namespace {

std::string id_of(const Record& r, std::string_view id_field) {
  const Value* v = r.get(id_field.empty() ? "id" : id_field);
  return v && !v->is_null() ? v->to_text() : std::string();
}

// CSV cells are text: compare a cell with a typed cursor by parsing it to
// the cursor's type first.
int compare_to_cursor(const Value& cell, const Value& cursor) {
  if (cell.is_string()) {
    if (cursor.is_datetime() || cursor.is_date()) {
      if (auto t = DateTime::parse(cell.as_string(), 0)) return Value(*t).compare(cursor);
      if (auto d = Date::parse(cell.as_string())) return Value(*d).compare(cursor);
    } else if (cursor.is_number()) {
      if (auto d = Decimal::parse(cell.as_string())) return Value(*d).compare(cursor);
    }
  }
  return cell.compare(cursor);
}

class FileReader final : public RecordReader {
 public:
  FileReader(std::unique_ptr<FileRowReader> rows, ReadRequest req)
      : rows_(std::move(rows)), req_(std::move(req)) {}

  Result<bool> next(std::vector<Record>& batch) override {
    batch.clear();
    bad_records.clear();
    if (rows_->empty_file() && !empty_reported_) {
      // An export that failed half-way often leaves exactly this; a table
      // with no rows still has its header line.
      empty_reported_ = true;
      bad_records.push_back({rows_->name(),
                             rows_->name() +
                                 " is empty (0 bytes, not even a header line): read as an "
                                 "error, not as an empty table",
                             "", true});
      return true;
    }
    while (batch.size() < req_.batch_size && bad_records.size() < req_.batch_size) {
      auto row = rows_->next();
      if (!row) return false;
      if (!row->record) {
        bad_records.push_back({"line " + std::to_string(row->line), row->bad, row->raw});
        continue;
      }
      Record& r = *row->record;
      std::string id = id_of(r, req_.id_field);
      if (id.empty()) {
        bad_records.push_back({"line " + std::to_string(row->line),
                               rows_->name() + ":" + std::to_string(row->line) +
                                   ": no value in id column '" +
                                   (req_.id_field.empty() ? "id" : req_.id_field) + "'",
                               rows_->last_raw()});
        continue;
      }
      if (req_.cursor_from && !req_.cursor_field.empty()) {
        const Value* c = r.get(req_.cursor_field);
        if (c == nullptr || c->is_null() || compare_to_cursor(*c, *req_.cursor_from) < 0) continue;
      }
      r.set_id(std::move(id));
      batch.push_back(std::move(r));
    }
    return true;
  }

 private:
  std::unique_ptr<FileRowReader> rows_;
  ReadRequest req_;
  bool empty_reported_ = false;
};

}  // namespace

Capabilities FileConnection::capabilities(std::string_view) const {
  Capabilities c;
  c.read_full = c.read_since_cursor = c.read_by_ids = c.search_by_field = c.describe = true;
  c.write_create = c.write_update = c.write_delete = c.write_upsert_external_id = true;
  return c;
}

Status FileConnection::check() {
  std::error_code ec;
  if (!std::filesystem::is_directory(config_.dir, ec) && !config_.create_dirs) {
    return Error(ErrorKind::fatal, "directory " + config_.dir + " does not exist");
  }
  return {};
}

// The files of the directory that the connector reads: CSV and JSON Lines
// by extension, or all files when `format` fixes the format.
Result<std::vector<std::string>> FileConnection::list_objects() {
  std::error_code ec;
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(config_.dir, ec)) {
    if (!e.is_regular_file(ec)) continue;
    std::string name = e.path().filename().string();
    std::string ext = e.path().extension().string();
    bool known = ext == ".csv" || ext == ".tsv" || ext == ".jsonl" || ext == ".ndjson";
    if (known || config_.format == "csv" || config_.format == "jsonl") out.push_back(name);
  }
  if (ec) {
    return Error(ErrorKind::fatal,
                 "file: cannot list directory " + config_.dir + ": " + ec.message());
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<ObjectSchema> FileConnection::describe(std::string_view object) {
  std::string o(object);
  auto rows = open_rows(o);
  if (!rows) return rows.error();
  ObjectSchema s;
  s.object = o;
  s.id_field = "id";
  for (const std::string& n : (*rows)->names()->names()) s.fields.push_back({n});
  return s;
}

Result<std::unique_ptr<RecordReader>> FileConnection::read(const ReadRequest& request) {
  auto rows = open_rows(request.object);
  if (!rows) return rows.error();
  count_api_call();
  return std::unique_ptr<RecordReader>(new FileReader(std::move(*rows), request));
}

Result<std::unique_ptr<FileRowReader>> FileConnection::open_rows(const std::string& object) {
  return FileRowReader::open(config_.path_of(object), config_.format_of(object), config_.delimiter,
                             config_.empty_as_null, config_.encoding, object);
}

Result<std::vector<Record>> FileConnection::scan(std::string_view object, std::string_view id_field,
                                                 const std::function<bool(const Record&)>& keep) {
  std::string o(object);
  std::vector<Record> out;
  std::error_code ec;
  if (!std::filesystem::exists(config_.path_of(o), ec)) return out;  // nothing written yet
  auto rows = open_rows(o);
  if (!rows) return rows.error();
  count_api_call();
  while (auto row = (*rows)->next()) {
    if (!row->record) continue;
    Record& r = *row->record;
    r.set_id(id_of(r, id_field));
    if (keep(r)) out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<Record>> FileConnection::read_by_ids(std::string_view object,
                                                        std::string_view id_field,
                                                        std::span<const std::string> ids) {
  std::set<std::string> want(ids.begin(), ids.end());
  return scan(object, id_field, [&](const Record& r) { return want.count(r.id()) > 0; });
}

Result<std::vector<Record>> FileConnection::search(std::string_view object,
                                                   std::string_view id_field,
                                                   std::string_view field,
                                                   std::span<const Value> values) {
  std::set<std::string> want;
  for (const Value& v : values) want.insert(v.to_text());
  std::string f(field);
  return scan(object, id_field, [&](const Record& r) {
    const Value* v = r.get(f);
    return v && !v->is_null() && want.count(v->to_text()) > 0;
  });
}

}  // namespace crmsync
