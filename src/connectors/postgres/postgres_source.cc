#include <cstdlib>

#include "connectors/postgres/postgres_client.h"
#include "core/json.h"

namespace crmsync {
namespace {

// Type OIDs from pg_type.dat; stable across PostgreSQL versions.
enum : Oid {
  kBool = 16,
  kInt8 = 20,
  kInt2 = 21,
  kInt4 = 23,
  kOid = 26,
  kJson = 114,
  kFloat4 = 700,
  kFloat8 = 701,
  kDate = 1082,
  kTimestamp = 1114,
  kTimestampTz = 1184,
  kNumeric = 1700,
  kJsonb = 3802,
};

// A SELECT read through a server-side cursor on a session of its own:
// FETCH n at a time, so memory holds one chunk whatever the table size.
// The read-only transaction also gives the read one consistent snapshot.
class PostgresRowStream final : public SqlRowStream {
 public:
  PostgresRowStream(const PostgresClient& client, PgConnPtr conn, size_t fetch_rows,
                    std::string doing)
      : client_(client),
        conn_(std::move(conn)),
        fetch_sql_("FETCH " + std::to_string(fetch_rows) + " FROM crmsync_read"),
        doing_(std::move(doing)) {}

  Status open(const std::string& sql, std::span<const Value> params) {
    auto begin =
        client_.exec_on(conn_.get(), "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", {}, doing_);
    if (!begin) return begin.error();
    auto decl = client_.exec_on(conn_.get(), "DECLARE crmsync_read NO SCROLL CURSOR FOR " + sql,
                                params, doing_);
    if (!decl) return decl.error();
    if (Status s = fetch(); !s) return s;
    for (int c = 0; c < PQnfields(chunk_.get()); ++c)
      columns_.emplace_back(PQfname(chunk_.get(), c));
    return {};
  }

  const std::vector<std::string>& columns() const override { return columns_; }

  Result<bool> next(std::vector<Value>& row) override {
    if (row_ >= PQntuples(chunk_.get())) {
      if (last_) return false;
      if (Status s = fetch(); !s) return s.error();
      if (PQntuples(chunk_.get()) == 0) return false;
    }
    PGresult* r = chunk_.get();
    int ncols = PQnfields(r);
    row.clear();
    row.reserve(static_cast<size_t>(ncols));
    for (int c = 0; c < ncols; ++c) {
      row.push_back(PQgetisnull(r, row_, c) ? Value()
                                            : pg_decode(PQftype(r, c), PQgetvalue(r, row_, c),
                                                        PQgetlength(r, row_, c)));
    }
    ++row_;
    return true;
  }

 private:
  Status fetch() {
    auto r = client_.exec_on(conn_.get(), fetch_sql_, {}, doing_);
    if (!r) return r.error();
    chunk_ = std::move(*r);
    row_ = 0;
    last_ = PQntuples(chunk_.get()) == 0;
    return {};
  }

  const PostgresClient& client_;
  PgConnPtr conn_;  // closing it ends the transaction and the cursor
  std::string fetch_sql_;
  std::string doing_;
  PgResultPtr chunk_;
  int row_ = 0;
  bool last_ = false;
  std::vector<std::string> columns_;
};

}  // namespace

Value pg_decode(Oid type, const char* text, int length) {
  std::string_view t(text, static_cast<size_t>(length));
  switch (type) {
    case kBool:
      return Value(t == "t");
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
      return Value(static_cast<int64_t>(std::strtoll(text, nullptr, 10)));
    case kNumeric:
    case kFloat4:
    case kFloat8:
      if (auto d = Decimal::parse(t)) return Value(*d);
      break;  // NaN, Infinity: kept as text
    case kDate:
      if (auto d = Date::parse(t)) return Value(*d);
      break;
    case kTimestamp:
      if (auto d = DateTime::parse(t, 0)) return Value(*d);  // stored as UTC wall time
      break;
    case kTimestampTz:
      if (auto d = DateTime::parse(t)) return Value(*d);  // session zone is UTC: "+00"
      break;
    case kJson:
    case kJsonb:
      if (auto j = parse_json(t)) return std::move(*j);
      break;
    default:
      break;
  }
  return Value(std::string(t));
}

Result<std::unique_ptr<SqlRowStream>> PostgresClient::stream(const std::string& sql,
                                                             std::span<const Value> params,
                                                             size_t fetch_rows,
                                                             std::string_view doing) {
  auto conn = open_session();
  if (!conn) return conn.error();
  auto s =
      std::make_unique<PostgresRowStream>(*this, std::move(*conn), fetch_rows, std::string(doing));
  if (Status st = s->open(sql, params); !st) return st.error();
  return std::unique_ptr<SqlRowStream>(std::move(s));
}

}  // namespace crmsync
