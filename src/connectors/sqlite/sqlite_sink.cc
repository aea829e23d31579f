#include <algorithm>
#include <set>
#include <unordered_map>

#include "connectors/sql/sql_common.h"
#include "connectors/sqlite/sqlite_connection.h"
#include "connectors/sqlite/sqlite_run_insert.h"

namespace crmsync {
namespace {

const char* column_type(const Value& v) {
  switch (v.type()) {
    case ValueType::integer:
      return "INTEGER";
    case ValueType::decimal:
      return "NUMERIC";
    case ValueType::boolean:
      return "BOOLEAN";
    case ValueType::date:
      return "DATE";
    case ValueType::datetime:
      return "TIMESTAMP";
    case ValueType::array:
    case ValueType::object:
      return "JSON";
    default:
      return "TEXT";
  }
}

}  // namespace

Status SqliteConnection::ensure_columns(const std::string& table, const std::string& id_field,
                                        const std::string& external_id, const WriteRequest& req) {
  auto c = client();
  if (!c) return c.error();
  auto cols = (*c)->columns(table);
  if (!cols) return cols.error();
  // The first value of each field seen in this batch decides its column type.
  auto fields = column_samples(req.items);
  if (cols->empty()) {
    if (!config_.create_tables) {
      return Error(ErrorKind::fatal,
                   "sqlite " + config_.path + ": no table '" + table + "' (create_tables is off)");
    }
    bool id_given = std::any_of(fields.begin(), fields.end(),
                                [&](const auto& p) { return p.first == id_field; });
    std::string sql = "CREATE TABLE IF NOT EXISTS " + SqliteClient::quote(table) + " (" +
                      SqliteClient::quote(id_field) +
                      (id_given ? " TEXT PRIMARY KEY" : " INTEGER PRIMARY KEY");
    for (const auto& [name, v] : fields) {
      if (name != id_field) sql += ", " + SqliteClient::quote(name) + " " + column_type(*v);
    }
    sql += ")";
    if (Status s = (*c)->exec(sql, "creating table " + table); !s) return s;
  } else {
    for (const auto& [name, v] : fields) {
      // A field named like the rowid sets it: a column of that name would
      // hide it.
      bool known = SqliteClient::rowid_name(name) ||
                   std::any_of(cols->begin(), cols->end(), [&](const auto& p) {
                     return SqliteClient::same_column(p.first, name);
                   });
      if (known) continue;
      if (!config_.create_tables) continue;  // the insert reports the missing column per record
      std::string sql = "ALTER TABLE " + SqliteClient::quote(table) + " ADD COLUMN " +
                        SqliteClient::quote(name) + " " + column_type(*v);
      if (Status s = (*c)->exec(sql, "adding column " + name + " to " + table); !s) return s;
    }
  }
  if (!external_id.empty() && config_.create_tables) {
    std::string sql = "CREATE UNIQUE INDEX IF NOT EXISTS " +
                      SqliteClient::quote(table + "_" + external_id + "_key") + " ON " +
                      SqliteClient::quote(table) + " (" + SqliteClient::quote(external_id) + ")";
    if (Status s = (*c)->exec(sql, "indexing " + table + "." + external_id); !s) return s;
  }
  return {};
}

namespace {

// Writes the items of one call that are not part of a run of inserts
// (SqliteRunInsert). Every item is one statement, and a statement that fails
// (constraint, type) is undone by SQLite alone, so the others in the same
// transaction stand: no savepoint per record is needed.
class BatchWriter {
 public:
  BatchWriter(SqliteClient& c, const WriteRequest& req, std::string id_field)
      : c_(c),
        req_(req),
        table_(req.object),
        id_field_(std::move(id_field)),
        qt_(SqliteClient::quote(table_)),
        qid_(SqliteClient::quote(id_field_)) {}

  // Writes item i into `res`; false when it failed (res.error set).
  bool write_one(size_t i, WriteResult& res) {
    const WriteItem& it = req_.items[i];
    const Record& r = it.record;
    WriteOp op = it.op;
    std::string target_id = it.target_id;
    if (op == WriteOp::upsert) {
      const Value* key = r.get(req_.external_id);
      if (key == nullptr || key->is_null()) {
        res.error = Error(ErrorKind::rejected, "upsert needs a value in " + req_.external_id);
        return false;
      }
      auto found = find_by(req_.external_id, *key);
      if (!found) {
        res.error = found.error();
        return false;
      }
      op = *found ? WriteOp::update : WriteOp::create;
      if (*found) target_id = **found;
    }
    bool ok = op == WriteOp::remove   ? remove(target_id, res)
              : op == WriteOp::update ? update(r, target_id, res)
                                      : insert(r, target_id, res);
    if (!ok) return false;
    res.ok = true;
    res.target_id = target_id;
    return true;
  }

 private:
  // The statement for `sql`, prepared once per connection. `doing` is
  // called only when preparing fails, so the per-record path builds no
  // message text.
  template <typename Doing>
  sqlite3_stmt* statement(const std::string& sql, Doing&& doing, WriteResult& res) {
    auto st = c_.cached(sql, "preparing");
    if (!st) {
      Error e = c_.error(doing());
      res.error = e.kind == ErrorKind::fatal ? Error(ErrorKind::rejected, e.message) : e;
      return nullptr;
    }
    return *st;
  }

  // `bind` binds every parameter of `st`.
  template <typename Bind, typename Doing>
  bool run(sqlite3_stmt* st, Bind&& bind, WriteResult& res, Doing&& doing) {
    StmtUse use(st, StmtUse::keep_bindings);
    bind(st);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
      Error e = c_.error(doing());
      if (e.kind == ErrorKind::fatal) e.kind = ErrorKind::rejected;
      res.error = e;
      return false;
    }
    return true;
  }

  bool changed_one(const std::string& target_id, WriteResult& res) {
    if (sqlite3_changes(c_.db()) != 0) return true;
    res.error = Error(ErrorKind::rejected,
                      "no row with " + id_field_ + " = " + target_id + " in " + table_);
    return false;
  }

  bool remove(const std::string& target_id, WriteResult& res) {
    auto doing = [&] { return "deleting record " + target_id + " from " + table_; };
    sqlite3_stmt* st = statement("DELETE FROM " + qt_ + " WHERE " + qid_ + " = ?", doing, res);
    return st != nullptr &&
           run(
               st, [&](sqlite3_stmt* s) { SqliteClient::bind(s, 1, Value(target_id)); }, res,
               doing) &&
           changed_one(target_id, res);
  }

  bool update(const Record& r, const std::string& target_id, WriteResult& res) {
    if (r.size() == 0) return true;
    auto doing = [&] { return "updating record " + target_id + " in " + table_; };
    sqlite3_stmt*& st = update_by_shape_[r.names().get()];
    if (st == nullptr) {
      std::string sets;
      for (size_t k = 0; k < r.size(); ++k) {
        sets += (k ? ", " : "") + SqliteClient::quote(r.name(k)) + " = ?";
      }
      st = statement("UPDATE " + qt_ + " SET " + sets + " WHERE " + qid_ + " = ?", doing, res);
      if (st == nullptr) return false;
    }
    return run(
               st,
               [&](sqlite3_stmt* s) {
                 for (size_t k = 0; k < r.size(); ++k)
                   SqliteClient::bind_borrowed(s, static_cast<int>(k + 1), r.value(k));
                 SqliteClient::bind(s, static_cast<int>(r.size() + 1), Value(target_id));
               },
               res, doing) &&
           changed_one(target_id, res);
  }

  bool insert(const Record& r, std::string& target_id, WriteResult& res) {
    auto doing = [&] { return "inserting into " + table_; };
    // Records of one call nearly always share their field names: the
    // statement is looked up by them, not rebuilt as text per record.
    sqlite3_stmt*& st = insert_by_shape_[r.names().get()];
    if (st == nullptr) {
      std::string cols, ph;
      for (size_t k = 0; k < r.size(); ++k) {
        cols += (k ? ", " : "") + SqliteClient::quote(r.name(k));
        ph += k ? ", ?" : "?";
      }
      st = statement(r.size() ? "INSERT INTO " + qt_ + " (" + cols + ") VALUES (" + ph + ")"
                              : "INSERT INTO " + qt_ + " DEFAULT VALUES",
                     doing, res);
      if (st == nullptr) return false;
    }
    bool ok = run(
        st,
        [&](sqlite3_stmt* s) {
          for (size_t k = 0; k < r.size(); ++k)
            SqliteClient::bind_borrowed(s, static_cast<int>(k + 1), r.value(k));
        },
        res, doing);
    if (!ok) return false;
    if (sqlite3_changes(c_.db()) == 0) {
      // An OR IGNORE conflict clause dropped the row without an error; the
      // last rowid is then another record's.
      res.error =
          Error(ErrorKind::rejected,
                "not inserted into " + table_ + ": a conflict clause of the table ignored the row");
      return false;
    }
    if (id_index_ == -2 || id_names_ != r.names().get()) {
      id_names_ = r.names().get();
      id_index_ = r.names()->index_of(id_field_);
    }
    const Value* idv = id_index_ >= 0 ? &r.value(static_cast<size_t>(id_index_)) : nullptr;
    target_id = idv && !idv->is_null() ? idv->to_text()
                                       : std::to_string(sqlite3_last_insert_rowid(c_.db()));
    res.created = true;
    return true;
  }

  Result<std::optional<std::string>> find_by(const std::string& col, const Value& v) {
    auto st = c_.cached(
        "SELECT " + qid_ + " FROM " + qt_ + " WHERE " + SqliteClient::quote(col) + " = ? LIMIT 1",
        "looking up " + table_);
    if (!st) return st.error();
    StmtUse use(*st);
    SqliteClient::bind(*st, 1, v);
    int rc = sqlite3_step(*st);
    if (rc == SQLITE_DONE) return std::optional<std::string>();
    if (rc != SQLITE_ROW) return c_.error("looking up " + table_ + " by " + col);
    const unsigned char* t = sqlite3_column_text(*st, 0);
    return std::optional<std::string>(t ? reinterpret_cast<const char*>(t) : "");
  }

  SqliteClient& c_;
  const WriteRequest& req_;
  std::string table_, id_field_, qt_, qid_;
  // Keyed by the records' shared field names, alive for the whole call.
  std::unordered_map<const FieldNames*, sqlite3_stmt*> insert_by_shape_, update_by_shape_;
  const FieldNames* id_names_ = nullptr;
  int id_index_ = -2;
};

}  // namespace

Result<std::vector<WriteResult>> SqliteConnection::write(const WriteRequest& req) {
  auto cl = client();
  if (!cl) return cl.error();
  SqliteClient& c = **cl;
  const std::string& table = req.object;
  std::string id_field = req.id_field.empty() ? "id" : req.id_field;
  bool writes_rows = std::any_of(req.items.begin(), req.items.end(),
                                 [](const WriteItem& i) { return i.op != WriteOp::remove; });
  if (writes_rows) {
    if (Status s = ensure_columns(table, id_field, req.external_id, req); !s) return s.error();
  }
  count_api_call();
  BatchWriter writer(c, req, id_field);
  std::vector<WriteResult> results(req.items.size());
  if (Status s = c.begin_write("starting a write to " + table); !s) return s.error();
  SqliteRunInsert runs(c, req, id_field);
  bool rolled_back = false;
  for (size_t i = 0; i < req.items.size() && !rolled_back;) {
    size_t n = runs.run_length(i);
    if (n >= 2) {
      auto done = runs.insert(i, n, results);
      if (!done) {
        (void)c.exec("ROLLBACK", "rolling back");
        return done.error();
      }
      if (*done == SqliteRunInsert::Outcome::written) {
        i += n;
        continue;
      }
      rolled_back = *done == SqliteRunInsert::Outcome::rolled_back;
    }
    // A table declared with ON CONFLICT ROLLBACK ends the whole transaction
    // on one bad row; then the call is written again one row per transaction.
    for (size_t end = i + std::max<size_t>(n, 1); i < end && !rolled_back; ++i) {
      rolled_back = !writer.write_one(i, results[i]) && sqlite3_get_autocommit(c.db());
    }
  }
  if (!rolled_back) {
    if (Status s = c.exec("COMMIT", "committing a write to " + table); !s) {
      (void)c.exec("ROLLBACK", "rolling back");
      return s.error();
    }
    return results;
  }
  results.assign(req.items.size(), WriteResult{});
  for (size_t i = 0; i < req.items.size(); ++i) {
    if (Status s = c.begin_write("starting a write to " + table); !s) return s.error();
    bool ok = writer.write_one(i, results[i]);
    if (!ok && sqlite3_get_autocommit(c.db())) continue;
    if (Status s = c.exec("COMMIT", "committing a write to " + table); !s) {
      (void)c.exec("ROLLBACK", "rolling back");
      return s.error();
    }
  }
  return results;
}

}  // namespace crmsync
