#include <algorithm>
#include <charconv>
#include <optional>

#include "connectors/sql/sql_common.h"
#include "connectors/sql/sql_connection.h"
#include "connectors/sql/sql_query_text.h"
#include "connectors/sqlite/filter_clock.h"

namespace crmsync {
namespace {

// Turns the rows of one streamed SELECT into batches of records.
class SqlRecordReader final : public RecordReader {
 public:
  SqlRecordReader(std::unique_ptr<SqlRowStream> stream, size_t id_col, size_t batch)
      : stream_(std::move(stream)),
        names_(make_field_names(stream_->columns())),
        id_col_(id_col),
        batch_(batch) {}

  Result<bool> next(std::vector<Record>& batch) override {
    batch.clear();
    bad_records.clear();
    if (done_) return false;
    std::vector<Value> row;
    while (batch.size() < batch_) {
      auto more = stream_->next(row);
      if (!more) return more.error();
      if (!*more) {
        done_ = true;
        stream_.reset();  // ends the read transaction and its connection now
        return !batch.empty();
      }
      Record r(names_, std::move(row));
      r.set_id(r.value(id_col_).to_text());
      batch.push_back(std::move(r));
      row = {};
    }
    return true;
  }

 private:
  std::unique_ptr<SqlRowStream> stream_;
  FieldNamesPtr names_;
  size_t id_col_;
  size_t batch_;
  bool done_ = false;
};

// COUNT(*) as a driver returns it: an integer, or a decimal or text (ODBC
// drivers, MySQL's DECIMAL for big counts).
std::optional<int64_t> sql_count_value(const Value& v) {
  if (v.is_int()) return v.as_int();
  const std::string text = v.to_text();
  int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || n < 0) return std::nullopt;
  // "42.0" or "42.000" from a decimal column.
  if (end != text.data() + text.size()) {
    if (*end != '.') return std::nullopt;
    for (const char* p = end + 1; p < text.data() + text.size(); ++p)
      if (*p != '0') return std::nullopt;
  }
  return n;
}

std::string id_or_default(std::string_view id_field) {
  return id_field.empty() ? "id" : std::string(id_field);
}

}  // namespace

ValueType value_type_for_sql_type(std::string_view t) {
  auto has = [&](std::string_view s) { return t.find(s) != std::string_view::npos; };
  if (has("bool") || t == "tinyint(1)") return ValueType::boolean;
  if (has("int") && !has("interval") && !has("point")) return ValueType::integer;
  if (has("numeric") || has("decimal") || has("double") || has("real") || has("float")) {
    return ValueType::decimal;
  }
  if (has("timestamp") || has("datetime")) return ValueType::datetime;
  if (t == "date") return ValueType::date;
  if (has("json")) return ValueType::object;
  return ValueType::string;
}

Capabilities SqlConnection::capabilities(std::string_view) const {
  return sql_table_capabilities();
}

Status SqlConnection::check() {
  if (Status s = driver_->connect(); !s) return s;
  auto r = driver_->run("SELECT 1", {}, "checking the connection");
  if (!r) return r.error();
  return {};
}

Result<std::vector<std::string>> SqlConnection::list_objects() {
  return driver_->tables();
}

Result<ObjectSchema> SqlConnection::describe(std::string_view object) {
  auto cols = driver_->columns(std::string(object));
  if (!cols) return cols.error();
  if (cols->empty()) {
    return Error(ErrorKind::fatal,
                 driver_->target_name() + ": no table or view '" + std::string(object) + "'");
  }
  ObjectSchema s;
  s.object = std::string(object);
  for (const SqlColumn& c : *cols) {
    s.fields.push_back({c.name, value_type_for_sql_type(c.type), c.nullable, c.key});
    if (c.key && s.id_field.empty()) s.id_field = c.name;
  }
  if (s.id_field.empty()) s.id_field = "id";
  return s;
}

std::string SqlConnection::from_clause(const std::string& object,
                                       std::vector<Value>& params) const {
  auto q = queries_.find(object);
  if (q == queries_.end()) return driver_->table_name(object);
  // The query's own placeholders are numbered from 1: they come first.
  params.insert(params.begin(), q->second.params.begin(), q->second.params.end());
  // A newline first: the query may end in a -- comment.
  return "(" + q->second.sql + "\n) AS crmsync_query";
}

Result<SqlConnection::ReadSql> SqlConnection::read_sql(const ReadRequest& req) {
  const Value* query = req.options ? req.options->get("query") : nullptr;
  ReadSql out;
  out.id_field = id_or_default(req.id_field);
  std::string select = "*";
  if (query != nullptr && !query->is_null()) {
    Query q;
    Value none = Value(Object{});
    const Value* values = req.options->get("params");
    auto sql = bind_named_params(
        query->to_text(), values ? *values : none,
        [&](size_t i) { return driver_->placeholder(i); }, 1, q.params);
    if (!sql) return sql.error().with_context("source " + req.object);
    q.sql = *sql;
    queries_[req.object] = std::move(q);
  } else {
    queries_.erase(req.object);
    auto cols = driver_->columns(req.object);
    if (!cols) return cols.error();
    if (cols->empty()) {
      return Error(ErrorKind::fatal,
                   driver_->target_name() + ": no table or view '" + req.object + "'");
    }
    std::vector<std::string> fields = req.fields;
    if (fields.empty()) {
      for (const SqlColumn& c : *cols) fields.push_back(c.name);
    }
    if (std::find(fields.begin(), fields.end(), out.id_field) == fields.end()) {
      fields.push_back(out.id_field);
    }
    select.clear();
    for (const std::string& f : fields) {
      if (std::none_of(cols->begin(), cols->end(),
                       [&](const SqlColumn& c) { return c.name == f; })) {
        return Error(ErrorKind::fatal, driver_->target_name() + ": table '" + req.object +
                                           "' has no column '" + f + "'");
      }
      select += (select.empty() ? "" : ", ") + driver_->quote(f);
    }
  }
  out.select = std::move(select);
  out.from_where = " FROM " + from_clause(req.object, out.params);
  std::string where;
  if (req.filter) {
    auto w = req.filter->to_sql(driver_->filter_dialect(), now_micros_for_filters(),
                                static_cast<int>(out.params.size() + 1));
    if (!w) return w.error().with_context("filter of " + req.object);
    where = "(" + w->where + ")";
    out.params.insert(out.params.end(), w->params.begin(), w->params.end());
  }
  if (!req.cursor_field.empty() && req.cursor_from) {
    out.params.push_back(*req.cursor_from);
    where += (where.empty() ? "" : " AND ") + driver_->quote(req.cursor_field) +
             " >= " + driver_->placeholder(out.params.size());
  }
  if (!where.empty()) out.from_where += " WHERE " + where;
  return out;
}

Result<std::unique_ptr<RecordReader>> SqlConnection::read(const ReadRequest& req) {
  auto parts = read_sql(req);
  if (!parts) return parts.error();
  const std::string& id_field = parts->id_field;
  std::string sql = "SELECT " + parts->select + parts->from_where;
  sql += " ORDER BY " + (req.cursor_field.empty() ? "" : driver_->quote(req.cursor_field) + ", ") +
         driver_->quote(id_field);
  size_t batch = std::max<size_t>(1, req.batch_size);
  auto stream =
      driver_->stream(sql, parts->params, std::max<size_t>(batch, 1000), "reading " + req.object);
  if (!stream) return stream.error();
  count_api_call();
  const auto& names = (*stream)->columns();
  auto id = std::find(names.begin(), names.end(), id_field);
  if (id == names.end()) {
    return Error(ErrorKind::fatal, driver_->target_name() + ": " + req.object +
                                       " returns no column '" + id_field + "' (the id_field)");
  }
  return std::unique_ptr<RecordReader>(
      new SqlRecordReader(std::move(*stream), static_cast<size_t>(id - names.begin()), batch));
}

Result<std::optional<int64_t>> SqlConnection::count(const ReadRequest& req) {
  auto parts = read_sql(req);
  if (!parts) return parts.error();
  const std::string doing = "counting " + req.object;
  auto r = driver_->run("SELECT COUNT(*)" + parts->from_where, parts->params, doing);
  if (!r) return r.error();
  count_api_call();
  if (r->rows.size() != 1 || r->rows[0].size() != 1) {
    return Error(ErrorKind::fatal, driver_->target_name() + ": " + doing + ": no single count");
  }
  auto n = sql_count_value(r->rows[0][0]);
  if (!n) {
    return Error(ErrorKind::fatal, driver_->target_name() + ": " + doing + ": count is '" +
                                       r->rows[0][0].to_text() + "'");
  }
  return std::optional<int64_t>(*n);
}

Result<std::vector<Record>> SqlConnection::select_in(const std::string& object,
                                                     const std::string& id_field,
                                                     const std::string& column,
                                                     std::span<const Value> values,
                                                     bool ignore_case) {
  std::vector<Record> out;
  if (values.empty()) return out;
  if (!queries_.count(object)) {
    auto cols = driver_->columns(object);
    if (!cols) return cols.error();
    if (cols->empty()) return out;  // a target table is created on first write
  }
  FieldNamesPtr names;
  size_t chunk = std::min<size_t>(1000, driver_->max_params() - 100);
  for (size_t start = 0; start < values.size(); start += chunk) {
    size_t n = std::min(chunk, values.size() - start);
    std::vector<Value> params;
    std::string col = driver_->quote(column);
    std::string sql = "SELECT * FROM " + from_clause(object, params) + " WHERE " +
                      (ignore_case ? "lower(" + col + ")" : col) + " IN (";
    for (size_t i = 0; i < n; ++i) {
      params.push_back(values[start + i]);
      std::string p = driver_->placeholder(params.size());
      sql += (i ? ", " : "") + (ignore_case ? "lower(" + p + ")" : p);
    }
    auto res = driver_->run(sql + ")", params, "searching " + object + " by " + column);
    if (!res) return res.error();
    count_api_call();
    auto id = std::find(res->columns.begin(), res->columns.end(), id_field);
    if (!names) names = make_field_names(res->columns);
    for (auto& row : res->rows) {
      Record r(names, std::move(row));
      if (id != res->columns.end()) {
        r.set_id(r.value(static_cast<size_t>(id - res->columns.begin())).to_text());
      }
      out.push_back(std::move(r));
    }
  }
  return out;
}

Result<std::vector<Record>> SqlConnection::read_by_ids(std::string_view object,
                                                       std::string_view id_field,
                                                       std::span<const std::string> ids) {
  std::vector<Value> values(ids.begin(), ids.end());
  std::string idf = id_or_default(id_field);
  std::string name(object);
  if (!queries_.count(name)) {
    // Not a table: a query source not read yet in this run. Saying "none
    // found" would resolve their errors; the read that follows sees them.
    auto cols = driver_->columns(name);
    if (!cols) return cols.error();
    if (cols->empty()) {
      return Error(ErrorKind::retryable, driver_->target_name() + ": " + name +
                                             " is not a table; its query is read later");
    }
  }
  return select_in(name, idf, idf, values);
}

Result<std::vector<Record>> SqlConnection::search(std::string_view object,
                                                  std::string_view id_field, std::string_view field,
                                                  std::span<const Value> values) {
  return select_in(std::string(object), id_or_default(id_field), std::string(field), values);
}

Result<std::vector<Record>> SqlConnection::search_ignoring_case(std::string_view object,
                                                                std::string_view id_field,
                                                                std::string_view field,
                                                                std::span<const Value> values) {
  return select_in(std::string(object), id_or_default(id_field), std::string(field), values, true);
}

}  // namespace crmsync
