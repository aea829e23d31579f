// Reads through a Bulk API 2.0 query job: the CSV result pages, one at a
// time, into records of the same shape as the REST reader's (top-level
// fields by describe type, parent paths nested under the relationship).
#include <algorithm>
#include <memory>
#include <span>

#include "connectors/salesforce/salesforce_bulk.h"
#include "connectors/salesforce/salesforce_connection.h"
#include "core/csv.h"
#include "core/json.h"

namespace crmsync {
namespace {

// Records per results page: one page is in memory at a time, and at about
// 200 bytes a record 10,000 keep that to a few megabytes.
constexpr int64_t kPageRecords = 10000;

// One CSV column: where its value goes and how to type it.
struct Column {
  int top = -1;                   // index in the record's names; -1 = set by name
  std::string top_name;           // "Account" for Account.Owner.Name
  std::vector<std::string> path;  // below the top: {"Owner", "Name"}; empty for own fields
  std::string type;               // describe type of the field read
};

// As the REST reader has it: own dates and datetimes typed, numbers and
// booleans as JSON has them, and values below a parent as JSON has them
// (the REST reader leaves parent dates as text).
Value cell_value(const std::string& text, const Column& c) {
  if (text.empty()) return Value();
  const std::string& t = c.type;
  if (t == "boolean") return Value(text == "true");
  if (t == "int" || t == "double" || t == "currency" || t == "percent") {
    auto v = parse_json(text);
    if (v && v->is_number()) return *v;
    return Value(text);
  }
  if (c.path.empty()) return salesforce_typed(Value(text), t);
  return Value(text);
}

void put(Object& o, std::span<const std::string> path, Value v) {
  if (path.size() == 1) {
    o.push_back(Member{path[0], std::move(v)});
    return;
  }
  auto it = std::find_if(o.begin(), o.end(), [&](const Member& m) { return m.key == path[0]; });
  if (it == o.end()) {
    o.push_back(Member{path[0], Value(Object{})});
    it = o.end() - 1;
  }
  put(it->value.as_object(), path.subspan(1), std::move(v));
}

// A parent that is absent comes back from REST as null, not as an object of
// nulls; a CSV row only has empty cells for it.
Value collapse(Value v) {
  if (!v.is_object()) return v;
  bool any = false;
  for (Member& m : v.as_object()) {
    m.value = collapse(std::move(m.value));
    any = any || !m.value.is_null();
  }
  return any ? v : Value();
}

class SalesforceBulkReader final : public RecordReader {
 public:
  SalesforceBulkReader(SalesforceConnection& conn, BulkJob job, std::string object,
                       FieldNamesPtr names, size_t batch_size)
      : conn_(conn),
        job_(std::move(job)),
        object_(std::move(object)),
        names_(std::move(names)),
        batch_size_(batch_size) {}

  Result<bool> next(std::vector<Record>& batch) override {
    batch.clear();
    bad_records.clear();
    while (batch.size() < batch_size_) {
      if (!csv_ || !csv_->next(cells_)) {
        if (csv_ && !csv_->error().empty()) {
          return Error(ErrorKind::retryable, job_.what() + ": " + csv_->error());
        }
        if (done_) break;
        if (Status s = fetch_page(); !s) return s.error();
        continue;
      }
      if (cells_.size() == 1 && cells_[0].empty()) continue;
      if (cells_.size() != columns_.size()) {
        return Error(ErrorKind::retryable, job_.what() + ": result row " +
                                               std::to_string(csv_->row()) + " has " +
                                               std::to_string(cells_.size()) + " cells for " +
                                               std::to_string(columns_.size()) + " columns");
      }
      batch.push_back(to_record());
    }
    return !(done_ && batch.size() < batch_size_);
  }

 private:
  Status fetch_page() {
    auto page = bulk_query_page(conn_, job_, locator_, kPageRecords);
    if (!page) return page.error();
    page_ = std::move(page->csv);
    locator_ = page->next_locator;
    done_ = locator_.empty();
    csv_ = std::make_unique<CsvReader>(page_);
    std::vector<std::string> header;
    if (!csv_->next(header)) {
      csv_.reset();
      return {};  // an empty page (no rows)
    }
    return plan(header);
  }

  // Types each column by the describe of the object it is read from.
  Status plan(const std::vector<std::string>& header) {
    columns_.clear();
    for (const std::string& name : header) {
      Column c;
      std::string object = object_;
      size_t start = 0;
      while (true) {
        size_t dot = name.find('.', start);
        std::string part = name.substr(start, dot == std::string::npos ? dot : dot - start);
        auto d = conn_.described_object(object);
        if (!d) return d.error();
        if (dot == std::string::npos) {
          auto t = (*d)->types.find(part);
          c.type = t == (*d)->types.end() ? "" : t->second;
          if (start == 0)
            c.top_name = part;
          else
            c.path.push_back(part);
          break;
        }
        if (start == 0)
          c.top_name = part;
        else
          c.path.push_back(part);
        auto rel = (*d)->relationships.find(part);
        if (rel == (*d)->relationships.end()) {
          return Error(ErrorKind::fatal, job_.what() + ": result column " + name +
                                             " names no relationship of " + object);
        }
        object = rel->second;
        start = dot + 1;
      }
      if (!c.path.empty()) c.path.insert(c.path.begin(), c.top_name);
      c.top = names_->index_of(c.top_name);
      columns_.push_back(std::move(c));
    }
    return {};
  }

  Record to_record() {
    Record rec(names_);
    Object parents;  // one member per relationship, in column order
    for (size_t i = 0; i < columns_.size(); ++i) {
      const Column& c = columns_[i];
      Value v = cell_value(cells_[i], c);
      if (!c.path.empty()) {
        put(parents, c.path, std::move(v));
      } else if (c.top >= 0) {
        rec.value(static_cast<size_t>(c.top)) = std::move(v);
      } else {
        rec.set(c.top_name, std::move(v));
      }
    }
    for (Member& m : parents) {
      Value v = collapse(std::move(m.value));
      int i = names_->index_of(m.key);
      if (i >= 0)
        rec.value(static_cast<size_t>(i)) = std::move(v);
      else
        rec.set(m.key, std::move(v));
    }
    if (const Value* id = rec.get("Id"); id && id->is_string()) rec.set_id(id->as_string());
    if (const Value* del = rec.get("IsDeleted"); del && del->is_bool()) {
      rec.set_deleted(del->as_bool());
    }
    return rec;
  }

  SalesforceConnection& conn_;
  BulkJob job_;
  std::string object_;
  FieldNamesPtr names_;
  size_t batch_size_;
  std::string page_;  // the current page; csv_ reads it
  std::unique_ptr<CsvReader> csv_;
  std::string locator_;
  bool done_ = false;
  std::vector<Column> columns_;
  std::vector<std::string> cells_;
};

}  // namespace

Result<std::unique_ptr<RecordReader>> SalesforceConnection::bulk_read(const std::string& soql,
                                                                      bool include_deleted,
                                                                      const std::string& object,
                                                                      FieldNamesPtr names,
                                                                      size_t batch_size) {
  auto job = bulk_create_query(*this, soql, include_deleted);
  if (!job) return job.error();
  auto done = bulk_wait(*this, *job);
  if (!done) return done.error();
  if (done->state != "JobComplete") {
    return Error(ErrorKind::retryable,
                 done->what() + " ended " + done->state +
                     (done->error_message.empty() ? "" : ": " + done->error_message));
  }
  return std::unique_ptr<RecordReader>(
      new SalesforceBulkReader(*this, std::move(*done), object, std::move(names), batch_size));
}

}  // namespace crmsync
