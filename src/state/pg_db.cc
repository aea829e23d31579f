#include "state/pg_db.h"

#include <cstdlib>

#include "core/redact.h"

namespace crmsync {
namespace {

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

// The parts of a libpq URL (or key=value string), password included.
std::map<std::string, std::string> conninfo_parts(const std::string& url) {
  std::map<std::string, std::string> out;
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(url.c_str(), &err);
  if (err) PQfreemem(err);
  if (!opts) return out;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (o->val && *o->val) out[o->keyword] = o->val;
  }
  PQconninfoFree(opts);
  return out;
}

}  // namespace

PgParams& PgParams::text(std::string_view v) {
  values_.emplace_back(v);
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::num(int64_t v) {
  return text(std::to_string(v));
}

PgParams& PgParams::bytes(std::string_view v) {
  values_.emplace_back(v);
  formats_.push_back(1);
  return *this;
}

PgParams& PgParams::text_array(std::span<const std::string> v) {
  return text_array_of(v.size(), [&](size_t i) -> std::string_view { return v[i]; });
}

// Every element quoted, with " and \ escaped: any text (NULL, a comma, a
// brace, an empty string) comes back as itself.
void PgParams::append_array_element(std::string_view v, std::string& out) {
  out += '"';
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
}

int64_t PgRows::int64(int row, int col) const {
  if (null(row, col)) return 0;
  return std::strtoll(PQgetvalue(r_.get(), row, col), nullptr, 10);
}

std::string PgRows::bytes(int row, int col) const {
  size_t len = 0;
  unsigned char* raw =
      PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(r_.get(), row, col)), &len);
  if (!raw) return {};
  std::string out(reinterpret_cast<const char*>(raw), len);
  PQfreemem(raw);
  return out;
}

int64_t PgRows::affected() const {
  const char* n = r_ ? PQcmdTuples(r_.get()) : "";
  return *n ? std::strtoll(n, nullptr, 10) : 0;
}

Result<std::unique_ptr<PgDb>> PgDb::connect(const std::string& url) {
  auto parts = conninfo_parts(url);
  std::unique_ptr<PgDb> db(new PgDb());
  db->password_ = parts["password"];
  // The password may come back in a server's or libpq's text: registered,
  // every message of this process masks it.
  register_secret(db->password_, {parts["user"]});
  std::string host = parts.count("host") ? parts["host"] : parts["hostaddr"];
  db->where_ = "postgres://" + (parts.count("user") ? parts["user"] + "@" : std::string()) +
               (host.empty() ? std::string("localhost") : host) +
               (parts.count("port") ? ":" + parts["port"] : std::string()) + "/" + parts["dbname"];
  if (parts.empty()) {
    return Error(ErrorKind::fatal,
                 "state store: state.url is not a PostgreSQL URL "
                 "(postgres://USER:PASSWORD@HOST:PORT/DATABASE)");
  }
  const char* keys[] = {"dbname", "application_name", "connect_timeout", nullptr};
  const char* values[] = {url.c_str(), "crmsync", "10", nullptr};
  db->conn_.reset(PQconnectdbParams(keys, values, 1));
  if (!db->conn_ || PQstatus(db->conn_.get()) != CONNECTION_OK) {
    return db->error("connecting", nullptr);
  }
  // CREATE TABLE IF NOT EXISTS and friends print notices on stderr otherwise.
  PQsetNoticeProcessor(
      db->conn_.get(), [](void*, const char*) {}, nullptr);
  return db;
}

Error PgDb::error(std::string_view doing, const PGresult* r) const {
  std::string msg;
  if (r) {
    const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    msg = primary ? primary : PQresultErrorMessage(r);
  }
  if (msg.empty() && conn_) msg = PQerrorMessage(conn_.get());
  msg = trim(msg);
  if (!password_.empty()) {
    for (size_t at; (at = msg.find(password_)) != std::string::npos;) {
      msg.replace(at, password_.size(), "***");
    }
  }
  return Error(ErrorKind::fatal,
               "state store " + where_ + ": " + std::string(doing) + ": " + redact(msg));
}

Result<PgRows> PgDb::run_prepared(const std::string& sql, const PgParams& p,
                                  std::string_view doing) {
  auto found = prepared_.find(sql);
  if (found == prepared_.end()) {
    std::string name = "s" + std::to_string(prepared_.size() + 1);
    PgRows made(PQprepare(conn_.get(), name.c_str(), sql.c_str(), 0, nullptr));
    if (made.status() != PGRES_COMMAND_OK) return error(doing, made.get());
    found = prepared_.emplace(sql, name).first;
  }
  std::vector<const char*> values(p.values_.size());
  std::vector<int> lengths(p.values_.size());
  for (size_t i = 0; i < p.values_.size(); ++i) {
    values[i] = p.values_[i].data();
    lengths[i] = static_cast<int>(p.values_[i].size());
  }
  PgRows rows(PQexecPrepared(conn_.get(), found->second.c_str(), static_cast<int>(values.size()),
                             values.data(), lengths.data(), p.formats_.data(), 0));
  if (rows.status() != PGRES_COMMAND_OK && rows.status() != PGRES_TUPLES_OK) {
    return error(doing, rows.get());
  }
  return rows;
}

// A session the server or the network dropped is opened again, once per
// call, outside a transaction only: inside one its work is gone, so the
// caller fails, and nothing it wrote was acknowledged. Its prepared
// statements went with it.
bool PgDb::reconnect_if_lost() {
  if (in_transaction_ || PQstatus(conn_.get()) == CONNECTION_OK) return false;
  PQreset(conn_.get());
  prepared_.clear();
  return PQstatus(conn_.get()) == CONNECTION_OK;
}

Result<PgRows> PgDb::exec(const std::string& sql, const PgParams& params, std::string_view doing) {
  (void)reconnect_if_lost();
  auto rows = run_prepared(sql, params, doing);
  if (!rows && reconnect_if_lost()) rows = run_prepared(sql, params, doing);
  return rows;
}

Status PgDb::script(const std::string& sql, std::string_view doing) {
  // libpq learns that the server ended the session only when a statement
  // fails: the first one after (a BEGIN, say) is sent again on a new one.
  for (int attempt = 0;; ++attempt) {
    PgRows r(PQexec(conn_.get(), sql.c_str()));
    if (r.status() == PGRES_COMMAND_OK || r.status() == PGRES_TUPLES_OK) return {};
    if (attempt > 0 || !reconnect_if_lost()) return error(doing, r.get());
  }
}

Status PgDb::in_transaction(std::string_view doing, const std::function<Status()>& body) {
  if (in_transaction_) return body();
  if (Status s = script("BEGIN", doing); !s) return s;
  in_transaction_ = true;
  Status s = body();
  if (s) s = script("COMMIT", doing);
  in_transaction_ = false;
  if (!s) (void)script("ROLLBACK", doing);
  return s;
}

}  // namespace crmsync
