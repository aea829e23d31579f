#include <algorithm>
#include <cctype>

#include "connectors/sql/sql_connection.h"
#include "connectors/sqlite/filter_clock.h"
#include "connectors/sqlite/sqlite_connection.h"

namespace crmsync {
namespace {

// Streams one SELECT; the statement stays open across next() calls.
class SqliteReader final : public RecordReader {
 public:
  SqliteReader(sqlite3_stmt* st, std::vector<std::string> types, FieldNamesPtr names, int id_col,
               size_t batch, SqliteClient* client, std::string table)
      : st_(st),
        types_(std::move(types)),
        names_(std::move(names)),
        id_col_(id_col),
        batch_(batch),
        client_(client),
        table_(std::move(table)) {}
  ~SqliteReader() override { sqlite3_finalize(st_); }

  Result<bool> next(std::vector<Record>& batch) override {
    batch.clear();
    bad_records.clear();
    if (done_) return false;
    while (batch.size() < batch_) {
      int rc = sqlite3_step(st_);
      if (rc == SQLITE_DONE) {
        done_ = true;
        return !batch.empty();
      }
      if (rc != SQLITE_ROW) return client_->error("reading " + table_);
      Record r(names_);
      for (size_t i = 0; i < names_->size(); ++i) {
        r.value(i) = SqliteClient::read(st_, static_cast<int>(i), types_[i]);
      }
      r.set_id(r.value(static_cast<size_t>(id_col_)).to_text());
      batch.push_back(std::move(r));
    }
    return true;
  }

 private:
  sqlite3_stmt* st_;
  std::vector<std::string> types_;
  FieldNamesPtr names_;
  int id_col_;
  size_t batch_;
  SqliteClient* client_;
  std::string table_;
  bool done_ = false;
};

// " FROM table [WHERE filter AND cursor >= ?]" of a read, and its
// parameters: what read() streams and count() counts.
Result<std::string> sqlite_from_where(const ReadRequest& req, std::vector<Value>& params) {
  std::string sql = " FROM " + SqliteClient::quote(req.object);
  std::string where;
  if (req.filter) {
    auto w = req.filter->to_sql(filter::Filter::SqlDialect::sqlite, now_micros_for_filters());
    if (!w) return w.error();
    where = "(" + w->where + ")";
    params = std::move(w->params);
  }
  if (!req.cursor_field.empty() && req.cursor_from) {
    where += (where.empty() ? "" : " AND ") + SqliteClient::quote(req.cursor_field) + " >= ?";
    params.push_back(*req.cursor_from);
  }
  if (!where.empty()) sql += " WHERE " + where;
  return sql;
}

}  // namespace

Result<ObjectSchema> SqliteConnection::describe(std::string_view object) {
  auto c = client();
  if (!c) return c.error();
  std::string table(object);
  auto st = (*c)->prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)",
                          "describing " + table);
  if (!st) return st.error();
  sqlite3_bind_text(*st, 1, table.data(), static_cast<int>(table.size()), SQLITE_TRANSIENT);
  ObjectSchema s;
  s.object = table;
  int rc;
  while ((rc = sqlite3_step(*st)) == SQLITE_ROW) {
    const unsigned char* name = sqlite3_column_text(*st, 0);
    const unsigned char* type = sqlite3_column_text(*st, 1);
    std::string declared = type ? reinterpret_cast<const char*>(type) : "";
    for (char& ch : declared) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    FieldInfo f;
    f.name = name ? reinterpret_cast<const char*>(name) : "";
    f.type = value_type_for_sql_type(declared);
    f.key = sqlite3_column_int(*st, 3) > 0;
    // An INTEGER PRIMARY KEY is the rowid: never NULL whatever it declares.
    f.nullable = sqlite3_column_int(*st, 2) == 0 && !f.key;
    if (f.key && s.id_field.empty()) s.id_field = f.name;
    s.fields.push_back(std::move(f));
  }
  sqlite3_finalize(*st);
  if (rc != SQLITE_DONE) return (*c)->error("describing " + table);
  if (s.fields.empty()) {
    return Error(ErrorKind::fatal, "sqlite " + config_.path + ": no table '" + table + "'");
  }
  if (s.id_field.empty()) s.id_field = "id";
  return s;
}

Result<std::vector<std::string>> SqliteConnection::list_objects() {
  auto c = client();
  if (!c) return c.error();
  auto st = (*c)->prepare(
      "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE "
      "'sqlite\\_%' ESCAPE '\\' ORDER BY name",
      "listing the tables");
  if (!st) return st.error();
  std::vector<std::string> out;
  int rc;
  while ((rc = sqlite3_step(*st)) == SQLITE_ROW) {
    out.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(*st, 0)));
  }
  sqlite3_finalize(*st);
  if (rc != SQLITE_DONE) return (*c)->error("listing the tables");
  return out;
}

Result<std::unique_ptr<RecordReader>> SqliteConnection::read(const ReadRequest& req) {
  auto c = client();
  if (!c) return c.error();
  auto cols = (*c)->columns(req.object);
  if (!cols) return cols.error();
  if (cols->empty()) {
    return Error(ErrorKind::fatal, "sqlite " + config_.path + ": no table '" + req.object + "'");
  }
  std::string id_field = req.id_field.empty() ? "id" : req.id_field;
  std::vector<std::string> fields = req.fields;
  if (fields.empty()) {
    for (const auto& [name, type] : *cols) fields.push_back(name);
  }
  if (std::find(fields.begin(), fields.end(), id_field) == fields.end()) fields.push_back(id_field);
  std::vector<std::string> types;
  std::string select;
  for (const std::string& f : fields) {
    auto it = std::find_if(cols->begin(), cols->end(), [&](const auto& p) { return p.first == f; });
    if (it == cols->end()) {
      return Error(ErrorKind::fatal, "sqlite " + config_.path + ": table '" + req.object +
                                         "' has no column '" + f + "'");
    }
    types.push_back(it->second);
    select += (select.empty() ? "" : ", ") + SqliteClient::quote(f);
  }
  std::vector<Value> params;
  auto from_where = sqlite_from_where(req, params);
  if (!from_where) return from_where.error();
  std::string sql = "SELECT " + select + *from_where;
  sql += " ORDER BY " +
         (req.cursor_field.empty() ? "" : SqliteClient::quote(req.cursor_field) + ", ") +
         SqliteClient::quote(id_field);
  auto st = (*c)->prepare(sql, "reading " + req.object);
  if (!st) return st.error();
  for (size_t i = 0; i < params.size(); ++i)
    SqliteClient::bind(*st, static_cast<int>(i + 1), params[i]);
  count_api_call();
  int id_col = static_cast<int>(std::find(fields.begin(), fields.end(), id_field) - fields.begin());
  return std::unique_ptr<RecordReader>(
      new SqliteReader(*st, std::move(types), make_field_names(fields), id_col,
                       std::max<size_t>(1, req.batch_size), *c, req.object));
}

Result<std::optional<int64_t>> SqliteConnection::count(const ReadRequest& req) {
  auto c = client();
  if (!c) return c.error();
  auto cols = (*c)->columns(req.object);
  if (!cols) return cols.error();
  if (cols->empty()) {
    return Error(ErrorKind::fatal, "sqlite " + config_.path + ": no table '" + req.object + "'");
  }
  std::vector<Value> params;
  auto from_where = sqlite_from_where(req, params);
  if (!from_where) return from_where.error();
  const std::string doing = "counting " + req.object;
  auto st = (*c)->prepare("SELECT COUNT(*)" + *from_where, doing);
  if (!st) return st.error();
  for (size_t i = 0; i < params.size(); ++i)
    SqliteClient::bind(*st, static_cast<int>(i + 1), params[i]);
  count_api_call();
  if (sqlite3_step(*st) != SQLITE_ROW) {
    Error e = (*c)->error(doing);
    sqlite3_finalize(*st);
    return e;
  }
  const int64_t n = sqlite3_column_int64(*st, 0);
  sqlite3_finalize(*st);
  return std::optional<int64_t>(n);
}

// The engine searches the target by the match column once per batch; without
// an index every search scans the table and a first run of N records costs
// O(N^2). When crmsync manages the schema (create_tables) it adds the index.
Status SqliteConnection::ensure_search_index(SqliteClient& c, const std::string& table,
                                             const std::string& column) {
  if (!config_.create_tables || !indexed_.insert(table + "\n" + column).second) return {};
  auto st = c.cached(
      "SELECT 1 FROM pragma_index_list(?1) AS l, pragma_index_info(l.name) AS i "
      "WHERE i.seqno = 0 AND i.name = ?2",
      "listing the indexes of " + table);
  if (!st) return st.error();
  {
    StmtUse use(*st);
    SqliteClient::bind(*st, 1, Value(table));
    SqliteClient::bind(*st, 2, Value(column));
    int rc = sqlite3_step(*st);
    if (rc == SQLITE_ROW) return {};
    if (rc != SQLITE_DONE) return c.error("listing the indexes of " + table);
  }
  return c.exec("CREATE INDEX IF NOT EXISTS " +
                    SqliteClient::quote(table + "_" + column + "_match") + " ON " +
                    SqliteClient::quote(table) + " (" + SqliteClient::quote(column) + ")",
                "indexing " + table + "." + column + " for matching");
}

Result<std::vector<Record>> SqliteConnection::select_in(const std::string& table,
                                                        const std::string& id_field,
                                                        const std::string& column,
                                                        std::span<const Value> values) {
  auto c = client();
  if (!c) return c.error();
  auto cols = (*c)->columns(table);
  if (!cols) return cols.error();
  std::vector<Record> out;
  if (cols->empty()) return out;  // the table is created on first write
  if (column != id_field) {
    if (Status s = ensure_search_index(**c, table, column); !s) return s.error();
  }
  std::vector<std::string> names, types;
  std::string select;
  int id_col = -1;
  for (const auto& [n, t] : *cols) {
    if (n == id_field) id_col = static_cast<int>(names.size());
    names.push_back(n);
    types.push_back(t);
    select += (select.empty() ? "" : ", ") + SqliteClient::quote(n);
  }
  FieldNamesPtr fn = make_field_names(names);
  for (size_t start = 0; start < values.size(); start += 500) {
    size_t n = std::min<size_t>(500, values.size() - start);
    std::string ph;
    for (size_t i = 0; i < n; ++i) ph += i ? ",?" : "?";
    auto st = (*c)->cached("SELECT " + select + " FROM " + SqliteClient::quote(table) + " WHERE " +
                               SqliteClient::quote(column) + " IN (" + ph + ")",
                           "searching " + table);
    if (!st) return st.error();
    StmtUse use(*st);
    for (size_t i = 0; i < n; ++i)
      SqliteClient::bind(*st, static_cast<int>(i + 1), values[start + i]);
    count_api_call();
    int rc;
    while ((rc = sqlite3_step(*st)) == SQLITE_ROW) {
      Record r(fn);
      for (size_t i = 0; i < names.size(); ++i) {
        r.value(i) = SqliteClient::read(*st, static_cast<int>(i), types[i]);
      }
      if (id_col >= 0) r.set_id(r.value(static_cast<size_t>(id_col)).to_text());
      out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) return (*c)->error("searching " + table);
  }
  return out;
}

Result<std::vector<Record>> SqliteConnection::read_by_ids(std::string_view object,
                                                          std::string_view id_field,
                                                          std::span<const std::string> ids) {
  std::vector<Value> values(ids.begin(), ids.end());
  std::string idf = id_field.empty() ? "id" : std::string(id_field);
  return select_in(std::string(object), idf, idf, values);
}

Result<std::vector<Record>> SqliteConnection::search(std::string_view object,
                                                     std::string_view id_field,
                                                     std::string_view field,
                                                     std::span<const Value> values) {
  return select_in(std::string(object), id_field.empty() ? "id" : std::string(id_field),
                   std::string(field), values);
}

}  // namespace crmsync
