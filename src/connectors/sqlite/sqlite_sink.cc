#include <algorithm>
#include <set>

#include "connectors/sql/sql_common.h"
#include "connectors/sqlite/sqlite_connection.h"

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

// Runs one statement for one record inside its own savepoint: a constraint
// violation rejects that record and leaves the rest of the batch standing.
class ItemScope {
 public:
  explicit ItemScope(SqliteClient& c) : c_(c) { ok_ = c_.exec("SAVEPOINT item", "savepoint").ok(); }
  void commit() {
    (void)c_.exec("RELEASE item", "release");
    done_ = true;
  }
  ~ItemScope() {
    if (!done_) (void)c_.exec("ROLLBACK TO item; RELEASE item", "rollback");
  }

 private:
  SqliteClient& c_;
  bool ok_ = false;
  bool done_ = false;
};

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
      bool known =
          std::any_of(cols->begin(), cols->end(), [&](const auto& p) { return p.first == name; });
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
  if (Status s = c.exec("BEGIN IMMEDIATE", "starting a write to " + table); !s) return s.error();
  std::vector<WriteResult> results(req.items.size());
  std::string qt = SqliteClient::quote(table), qid = SqliteClient::quote(id_field);

  auto run = [&](const std::string& sql, auto&& bind, WriteResult& res,
                 const std::string& what) -> bool {
    auto st = c.prepare(sql, what);
    if (!st) {
      res.error = st.error().kind == ErrorKind::fatal
                      ? Error(ErrorKind::rejected, st.error().message)
                      : st.error();
      return false;
    }
    bind(*st);
    int rc = sqlite3_step(*st);
    sqlite3_finalize(*st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
      Error e = c.error(what);
      if (e.kind == ErrorKind::fatal) e.kind = ErrorKind::rejected;
      res.error = e;
      return false;
    }
    return true;
  };
  auto find_by = [&](const std::string& col, const Value& v) -> std::optional<std::string> {
    auto st = c.prepare(
        "SELECT " + qid + " FROM " + qt + " WHERE " + SqliteClient::quote(col) + " = ? LIMIT 1",
        "looking up " + table);
    if (!st) return std::nullopt;
    SqliteClient::bind(*st, 1, v);
    std::optional<std::string> out;
    if (sqlite3_step(*st) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(*st, 0);
      out = t ? reinterpret_cast<const char*>(t) : "";
    }
    sqlite3_finalize(*st);
    return out;
  };

  for (size_t i = 0; i < req.items.size(); ++i) {
    const WriteItem& it = req.items[i];
    WriteResult& res = results[i];
    const Record& r = it.record;
    ItemScope scope(c);
    std::string what = "record " + (it.target_id.empty() ? std::string() : it.target_id + " ");
    WriteOp op = it.op;
    std::string target_id = it.target_id;
    if (op == WriteOp::upsert) {
      const Value* key = r.get(req.external_id);
      if (key == nullptr || key->is_null()) {
        res.error = Error(ErrorKind::rejected, "upsert needs a value in " + req.external_id);
        continue;
      }
      auto found = find_by(req.external_id, *key);
      if (found) {
        op = WriteOp::update;
        target_id = *found;
      } else {
        op = WriteOp::create;
      }
    }
    bool ok = false;
    if (op == WriteOp::remove) {
      ok = run(
          "DELETE FROM " + qt + " WHERE " + qid + " = ?",
          [&](sqlite3_stmt* st) { SqliteClient::bind(st, 1, Value(target_id)); }, res,
          "deleting " + what + "from " + table);
      if (ok && sqlite3_changes(c.db()) == 0) {
        res.error = Error(ErrorKind::rejected,
                          "no row with " + id_field + " = " + target_id + " in " + table);
        ok = false;
      }
    } else if (op == WriteOp::update) {
      std::string sets;
      for (size_t k = 0; k < r.size(); ++k) {
        sets += (k ? ", " : "") + SqliteClient::quote(r.name(k)) + " = ?";
      }
      if (sets.empty()) {
        ok = true;
      } else {
        ok = run(
            "UPDATE " + qt + " SET " + sets + " WHERE " + qid + " = ?",
            [&](sqlite3_stmt* st) {
              for (size_t k = 0; k < r.size(); ++k)
                SqliteClient::bind(st, static_cast<int>(k + 1), r.value(k));
              SqliteClient::bind(st, static_cast<int>(r.size() + 1), Value(target_id));
            },
            res, "updating " + what + "in " + table);
        if (ok && sqlite3_changes(c.db()) == 0) {
          res.error = Error(ErrorKind::rejected,
                            "no row with " + id_field + " = " + target_id + " in " + table);
          ok = false;
        }
      }
    } else {
      std::string cols, ph;
      for (size_t k = 0; k < r.size(); ++k) {
        cols += (k ? ", " : "") + SqliteClient::quote(r.name(k));
        ph += k ? ", ?" : "?";
      }
      std::string sql = r.size() ? "INSERT INTO " + qt + " (" + cols + ") VALUES (" + ph + ")"
                                 : "INSERT INTO " + qt + " DEFAULT VALUES";
      ok = run(
          sql,
          [&](sqlite3_stmt* st) {
            for (size_t k = 0; k < r.size(); ++k)
              SqliteClient::bind(st, static_cast<int>(k + 1), r.value(k));
          },
          res, "inserting into " + table);
      if (ok) {
        const Value* idv = r.get(id_field);
        target_id = idv && !idv->is_null() ? idv->to_text()
                                           : std::to_string(sqlite3_last_insert_rowid(c.db()));
        res.created = true;
      }
    }
    if (!ok) continue;
    scope.commit();
    res.ok = true;
    res.target_id = target_id;
  }
  if (Status s = c.exec("COMMIT", "committing a write to " + table); !s) {
    (void)c.exec("ROLLBACK", "rolling back");
    return s.error();
  }
  return results;
}

}  // namespace crmsync
