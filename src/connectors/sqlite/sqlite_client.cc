#include "connectors/sqlite/sqlite_client.h"

#include <strings.h>

#include <algorithm>
#include <cctype>

#include "core/json.h"
#include "sqlite/wal_checkpointer.h"

namespace crmsync {

Result<std::unique_ptr<SqliteClient>> SqliteClient::open(const SqliteConfig& config) {
  auto c = std::make_unique<SqliteClient>();
  c->path_ = config.path;
  if (sqlite3_open_v2(config.path.c_str(), &c->db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    return c->error("opening");
  }
  sqlite3_busy_timeout(c->db_, static_cast<int>(config.busy_timeout_ms));
  // As in the state store (state/sqlite_db.cc): in WAL mode, checkpoints
  // and their fsyncs run on a thread of their own, from the first write.
  if (Status s =
          c->exec("PRAGMA journal_mode=" + config.journal_mode + "; PRAGMA synchronous=NORMAL",
                  "configuring");
      !s) {
    return s.error();
  }
  return c;
}

SqliteClient::~SqliteClient() {
  checkpointer_.reset();  // its thread must stop before the connection closes
  for (auto& [sql, st] : cache_) sqlite3_finalize(st);
  if (db_) sqlite3_close_v2(db_);
}

Error SqliteClient::error(std::string_view doing) const {
  int code = db_ ? sqlite3_extended_errcode(db_) : SQLITE_CANTOPEN;
  std::string msg = db_ ? sqlite3_errmsg(db_) : "cannot open";
  int primary = code & 0xff;
  ErrorKind kind =
      primary == SQLITE_BUSY || primary == SQLITE_LOCKED ? ErrorKind::retryable
      : primary == SQLITE_CONSTRAINT || primary == SQLITE_MISMATCH || primary == SQLITE_TOOBIG
          ? ErrorKind::rejected
          : ErrorKind::fatal;
  return Error(kind, "sqlite " + path_ + ": " + std::string(doing) + ": " + msg);
}

Status SqliteClient::exec(const std::string& sql, std::string_view doing) {
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) return error(doing);
  return {};
}

Status SqliteClient::begin_write(std::string_view doing) {
  // Attached at the first write, so a connection that only reads has no
  // thread and no second connection.
  if (!checkpointer_attached_) {
    auto checkpointer = WalCheckpointer::attach(db_, "sqlite " + path_);
    if (!checkpointer) return checkpointer.error();
    checkpointer_ = std::move(*checkpointer);
    checkpointer_attached_ = true;
  }
  if (checkpointer_) {
    if (Status s = checkpointer_->take_failure(); !s) return s;
  }
  return exec("BEGIN IMMEDIATE", doing);
}

Result<sqlite3_stmt*> SqliteClient::prepare(const std::string& sql, std::string_view doing) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return error(doing);
  return st;
}

Result<sqlite3_stmt*> SqliteClient::cached(const std::string& sql, std::string_view doing) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return it->second;
  auto st = prepare(sql, doing);
  if (!st) return st.error();
  cache_.emplace(sql, *st);
  return *st;
}

Result<std::vector<std::pair<std::string, std::string>>> SqliteClient::columns(
    const std::string& table) {
  auto st = prepare("SELECT name, type FROM pragma_table_info(?)", "describing " + table);
  if (!st) return st.error();
  sqlite3_bind_text(*st, 1, table.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<std::pair<std::string, std::string>> out;
  while (sqlite3_step(*st) == SQLITE_ROW) {
    auto text = [&](int i) {
      const unsigned char* t = sqlite3_column_text(*st, i);
      return t ? std::string(reinterpret_cast<const char*>(t)) : std::string();
    };
    out.emplace_back(text(0), text(1));
  }
  sqlite3_finalize(*st);
  return out;
}

bool SqliteClient::same_column(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

bool SqliteClient::rowid_name(std::string_view name) {
  return same_column(name, "rowid") || same_column(name, "oid") || same_column(name, "_rowid_");
}

std::string SqliteClient::quote(std::string_view ident) {
  std::string s = "\"";
  for (char c : ident) {
    if (c == '"') s += '"';
    s += c;
  }
  return s + "\"";
}

void SqliteClient::bind(sqlite3_stmt* st, int i, const Value& v) {
  bind_value(st, i, v, SQLITE_TRANSIENT);
}

void SqliteClient::bind_borrowed(sqlite3_stmt* st, int i, const Value& v) {
  bind_value(st, i, v, SQLITE_STATIC);
}

void SqliteClient::bind_value(sqlite3_stmt* st, int i, const Value& v,
                              sqlite3_destructor_type text_lifetime) {
  switch (v.type()) {
    case ValueType::null:
      sqlite3_bind_null(st, i);
      return;
    case ValueType::boolean:
      sqlite3_bind_int(st, i, v.as_bool() ? 1 : 0);
      return;
    case ValueType::integer:
      sqlite3_bind_int64(st, i, v.as_int());
      return;
    case ValueType::datetime: {
      std::string t = v.as_datetime().in_utc().to_iso8601();
      sqlite3_bind_text(st, i, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
      return;
    }
    case ValueType::string:
      sqlite3_bind_text(st, i, v.as_string().data(), static_cast<int>(v.as_string().size()),
                        text_lifetime);
      return;
    default: {
      // Decimals as their exact text: NUMERIC affinity stores them as numbers.
      std::string t = v.to_text();
      sqlite3_bind_text(st, i, t.data(), static_cast<int>(t.size()), SQLITE_TRANSIENT);
      return;
    }
  }
}

Value SqliteClient::read(sqlite3_stmt* st, int col, const std::string& declared) {
  int type = sqlite3_column_type(st, col);
  if (type == SQLITE_NULL) return Value();
  std::string d = declared;
  std::transform(d.begin(), d.end(), d.begin(), [](unsigned char c) { return std::toupper(c); });
  auto text = [&] {
    const unsigned char* t = sqlite3_column_text(st, col);
    return std::string(reinterpret_cast<const char*>(t), sqlite3_column_bytes(st, col));
  };
  if (d.find("BOOL") != std::string::npos) {
    if (type == SQLITE_INTEGER) return Value(sqlite3_column_int64(st, col) != 0);
  }
  if (d.find("TIMESTAMP") != std::string::npos || d.find("DATETIME") != std::string::npos) {
    if (type == SQLITE_TEXT) {
      std::string t = text();
      if (auto dt = DateTime::parse(t, 0)) return Value(*dt);
      return Value(t);
    }
  } else if (d.find("DATE") != std::string::npos && type == SQLITE_TEXT) {
    std::string t = text();
    if (auto dd = Date::parse(t)) return Value(*dd);
    return Value(t);
  }
  bool numeric = d.find("REAL") != std::string::npos || d.find("FLOA") != std::string::npos ||
                 d.find("DOUB") != std::string::npos || d.find("NUMERIC") != std::string::npos ||
                 d.find("DECIMAL") != std::string::npos;
  switch (type) {
    case SQLITE_INTEGER:
      return Value(static_cast<int64_t>(sqlite3_column_int64(st, col)));
    case SQLITE_FLOAT:
      if (auto dec = Decimal::from_double(sqlite3_column_double(st, col))) return Value(*dec);
      return Value();
    default: {
      std::string t = text();
      if (numeric) {
        if (auto dec = Decimal::parse(t)) return Value(*dec);
      }
      return Value(std::move(t));
    }
  }
}

}  // namespace crmsync
