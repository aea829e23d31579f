#include <algorithm>
#include <deque>

#include "connectors/salesforce/salesforce_connection.h"
#include "connectors/salesforce/salesforce_soql.h"
#include "core/json.h"
#include "net/url.h"

namespace crmsync {
namespace {

// Record field names for the selected fields: parent paths (Account.Name)
// come back nested under their relationship (Account).
FieldNamesPtr top_level_names(const std::vector<std::string>& fields) {
  std::vector<std::string> names = {"Id"};
  for (const std::string& f : fields) {
    std::string top = f.substr(0, f.find('.'));
    if (std::find(names.begin(), names.end(), top) == names.end()) names.push_back(top);
  }
  return make_field_names(std::move(names));
}

// What a read asks for, kept to start a Bulk query job instead.
struct SoqlRead {
  std::string soql;
  std::string object;
  bool include_deleted = false;
};

// Streams a query page by page (2,000 records a call at most), handing out
// the engine's batch size at a time. When the first page says the query
// matches at least bulk_query_threshold records, it drops that page and
// reads through a Bulk API 2.0 query job instead: the page cost one call,
// the same as a COUNT() first would, and small reads pay nothing extra.
class SalesforceReader final : public RecordReader {
 public:
  SalesforceReader(SalesforceConnection& conn, SoqlRead read, FieldNamesPtr names,
                   const SalesforceFieldTypes& types, size_t batch_size)
      : conn_(conn),
        read_(std::move(read)),
        next_path_(std::string(read_.include_deleted ? "/queryAll" : "/query") +
                   "?q=" + net::url_encode(read_.soql)),
        names_(std::move(names)),
        types_(types),
        batch_size_(batch_size) {}

  Result<bool> next(std::vector<Record>& batch) override {
    if (bulk_) {
      auto more = bulk_->next(batch);
      bad_records = bulk_->bad_records;
      return more;
    }
    batch.clear();
    bad_records.clear();
    while (buffered_.empty() && !next_path_.empty()) {
      net::HttpHeaders headers = {
          {"Sforce-Query-Options", "batchSize=" + std::to_string(conn_.query_batch_size())}};
      auto res = conn_.call("GET", next_path_, "", headers);
      if (!res) return res.error();
      auto page = parse_query_page(res->body, names_, types_);
      if (!page) return page.error();
      int64_t threshold = conn_.bulk_query_threshold();
      if (first_page_ && threshold > 0 && page->total_size >= threshold) {
        auto bulk =
            conn_.bulk_read(read_.soql, read_.include_deleted, read_.object, names_, batch_size_);
        if (!bulk) return bulk.error();
        bulk_ = std::move(*bulk);
        return next(batch);
      }
      first_page_ = false;
      next_path_ = page->next_records_url;
      for (Record& r : page->records) buffered_.push_back(std::move(r));
    }
    while (!buffered_.empty() && batch.size() < batch_size_) {
      batch.push_back(std::move(buffered_.front()));
      buffered_.pop_front();
    }
    return !(buffered_.empty() && next_path_.empty());
  }

 private:
  SalesforceConnection& conn_;
  SoqlRead read_;
  std::string next_path_;
  bool first_page_ = true;
  std::unique_ptr<RecordReader> bulk_;
  FieldNamesPtr names_;
  const SalesforceFieldTypes& types_;
  size_t batch_size_;
  std::deque<Record> buffered_;
};

// " WHERE (filter) AND cursor >= from" of a read (empty when it has
// neither): what read() queries and count() counts.
std::string soql_where(const ReadRequest& req) {
  std::vector<std::string> where;
  if (req.filter) where.push_back("(" + req.filter->to_soql() + ")");
  if (!req.cursor_field.empty() && req.cursor_from) {
    where.push_back(req.cursor_field + " >= " + soql_literal(*req.cursor_from));
  }
  std::string out;
  for (size_t i = 0; i < where.size(); ++i) out += (i ? " AND " : " WHERE ") + where[i];
  return out;
}

}  // namespace

Capabilities SalesforceConnection::capabilities(std::string_view) const {
  Capabilities c;
  c.read_full = c.read_since_cursor = c.ordered_by_cursor = c.read_by_ids = true;
  c.pushdown_filter = c.search_by_field = c.describe = c.delete_feed = true;
  c.write_create = c.write_update = c.write_delete = c.write_upsert_external_id = true;
  c.subscribe = true;
  return c;
}

Result<net::HttpResponse> SalesforceConnection::call(const std::string& method,
                                                     const std::string& path,
                                                     const std::string& body,
                                                     const net::HttpHeaders& headers) {
  count_api_call();
  return client_.call(method, path, body, headers);
}

Status SalesforceConnection::check() {
  auto res = call("GET", "/limits");
  if (!res) return res.error();
  return {};
}

Result<ObjectSchema> SalesforceConnection::describe(std::string_view object) {
  auto d = described_object(std::string(object));
  if (!d) return d.error();
  return (*d)->schema;
}

Result<const SalesforceConnection::Described*> SalesforceConnection::described_object(
    const std::string& object) {
  auto found = described_.find(object);
  if (found != described_.end()) return &found->second;
  auto res = call("GET", "/sobjects/" + net::url_encode(object) + "/describe");
  if (!res) return res.error().with_context("describing " + object);
  Described d;
  auto schema = parse_describe(res->body, &d.types, &d.relationships);
  if (!schema) return schema.error();
  d.schema = std::move(*schema);
  return &described_.emplace(object, std::move(d)).first->second;
}

Result<const SalesforceFieldTypes*> SalesforceConnection::field_types(const std::string& object) {
  if (auto s = describe(object); !s) return s.error();
  return &described_.find(object)->second.types;
}

Result<std::unique_ptr<RecordReader>> SalesforceConnection::read(const ReadRequest& req) {
  auto types = field_types(req.object);
  if (!types) return types.error();
  std::vector<std::string> fields = req.fields;
  if (fields.empty()) {
    for (const FieldInfo& f : described_.find(req.object)->second.schema.fields) {
      fields.push_back(f.name);
    }
  }
  if (!req.cursor_field.empty()) fields.push_back(req.cursor_field);
  if (req.include_deleted) fields.push_back("IsDeleted");
  std::string soql = soql_select(fields, req.object) + soql_where(req);
  if (!req.cursor_field.empty()) soql += " ORDER BY " + req.cursor_field + " ASC, Id ASC";
  return std::unique_ptr<RecordReader>(
      new SalesforceReader(*this, SoqlRead{std::move(soql), req.object, req.include_deleted},
                           top_level_names(fields), **types, std::max<size_t>(1, req.batch_size)));
}

Result<std::optional<int64_t>> SalesforceConnection::count(const ReadRequest& req) {
  // COUNT() answers {"totalSize": N, "done": true, "records": []}; no ORDER
  // BY (Salesforce refuses it with COUNT()).
  const std::string soql = "SELECT COUNT() FROM " + req.object + soql_where(req);
  auto res = call("GET", std::string(req.include_deleted ? "/queryAll" : "/query") +
                             "?q=" + net::url_encode(soql));
  if (!res) return res.error().with_context("counting " + req.object);
  auto body = parse_json(res->body);
  const Value* total = body ? body->find("totalSize") : nullptr;
  if (total == nullptr || !total->is_int() || total->as_int() < 0) {
    return Error(ErrorKind::fatal,
                 "salesforce: counting " + req.object +
                     ": the answer has no totalSize: " + res->body.substr(0, 200));
  }
  return std::optional<int64_t>(total->as_int());
}

Result<std::vector<Record>> SalesforceConnection::query_all_pages(
    const std::string& soql, const FieldNamesPtr& names, const SalesforceFieldTypes& types) {
  std::vector<Record> out;
  std::string path = "/query?q=" + net::url_encode(soql);
  while (!path.empty()) {
    auto res = call("GET", path);
    if (!res) return res.error();
    auto page = parse_query_page(res->body, names, types);
    if (!page) return page.error();
    for (Record& r : page->records) out.push_back(std::move(r));
    path = page->next_records_url;
  }
  return out;
}

// Ids and values go into the query text: 100 at a time keeps the URL well
// under the 16,000 characters Salesforce accepts.
constexpr size_t kValuesPerQuery = 100;

Result<std::vector<Record>> SalesforceConnection::read_by_ids(std::string_view object,
                                                              std::string_view,
                                                              std::span<const std::string> ids) {
  std::string obj(object);
  auto types = field_types(obj);
  if (!types) return types.error();
  std::vector<std::string> fields;
  for (const FieldInfo& f : described_.find(obj)->second.schema.fields) fields.push_back(f.name);
  FieldNamesPtr names = top_level_names(fields);
  std::vector<Record> out;
  for (size_t start = 0; start < ids.size(); start += kValuesPerQuery) {
    size_t n = std::min(kValuesPerQuery, ids.size() - start);
    std::vector<Value> values(ids.begin() + static_cast<std::ptrdiff_t>(start),
                              ids.begin() + static_cast<std::ptrdiff_t>(start + n));
    auto page = query_all_pages(soql_select(fields, obj) + " WHERE " + soql_in("Id", values), names,
                                **types);
    if (!page) return page.error().with_context("reading " + obj + " by id");
    for (Record& r : *page) out.push_back(std::move(r));
  }
  return out;
}

Result<std::vector<Record>> SalesforceConnection::search(std::string_view object, std::string_view,
                                                         std::string_view field,
                                                         std::span<const Value> values) {
  std::string obj(object), f(field);
  auto types = field_types(obj);
  if (!types) return types.error();
  FieldNamesPtr names = top_level_names({f});
  std::vector<Record> out;
  for (size_t start = 0; start < values.size(); start += kValuesPerQuery) {
    size_t n = std::min(kValuesPerQuery, values.size() - start);
    auto page = query_all_pages(
        soql_select({f}, obj) + " WHERE " + soql_in(f, values.subspan(start, n)), names, **types);
    if (!page) return page.error().with_context("searching " + obj + " by " + f);
    for (Record& r : *page) out.push_back(std::move(r));
  }
  return out;
}

}  // namespace crmsync
