#include <cstdlib>

#include "connectors/mysql/mysql_client.h"
#include "core/json.h"

namespace crmsync {
namespace {

// A SELECT streamed with mysql_use_result on a session of its own: rows
// come off the socket one at a time, so memory stays flat. The session
// reads one consistent snapshot.
class MysqlRowStream final : public SqlRowStream {
 public:
  MysqlRowStream(const MysqlClient& client, MysqlPtr conn, std::string doing)
      : client_(client), conn_(std::move(conn)), doing_(std::move(doing)) {}
  ~MysqlRowStream() override {
    if (res_) mysql_free_result(res_);
  }

  Status open(const std::string& sql, std::span<const Value> params) {
    MYSQL* c = conn_.get();
    if (Status s = client_.send(c, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", doing_);
        !s) {
      return s;
    }
    auto text = client_.bind(c, sql, params);
    if (!text) return text.error();
    if (Status s = client_.send(c, *text, doing_); !s) return s;
    res_ = mysql_use_result(c);
    if (res_ == nullptr) return client_.error(c, doing_);
    n_ = mysql_num_fields(res_);
    fields_ = mysql_fetch_fields(res_);
    for (unsigned int i = 0; i < n_; ++i) columns_.emplace_back(fields_[i].name);
    return {};
  }

  const std::vector<std::string>& columns() const override { return columns_; }

  Result<bool> next(std::vector<Value>& row) override {
    MYSQL_ROW r = mysql_fetch_row(res_);
    if (r == nullptr) {
      if (mysql_errno(conn_.get()) != 0) return client_.error(conn_.get(), doing_);
      return false;
    }
    unsigned long* lengths = mysql_fetch_lengths(res_);
    row.clear();
    row.reserve(n_);
    for (unsigned int i = 0; i < n_; ++i) {
      row.push_back(r[i] ? mysql_decode(fields_[i], r[i], lengths[i]) : Value());
    }
    return true;
  }

 private:
  const MysqlClient& client_;
  MysqlPtr conn_;
  std::string doing_;
  MYSQL_RES* res_ = nullptr;
  MYSQL_FIELD* fields_ = nullptr;
  unsigned int n_ = 0;
  std::vector<std::string> columns_;
};

}  // namespace

Value mysql_decode(const MYSQL_FIELD& field, const char* text, unsigned long length) {
  std::string_view t(text, length);
  switch (field.type) {
    case MYSQL_TYPE_TINY:
      if (field.length == 1) return Value(t != "0");  // BOOLEAN is TINYINT(1)
      [[fallthrough]];
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_LONGLONG:
    case MYSQL_TYPE_YEAR:
      if ((field.flags & UNSIGNED_FLAG) && field.type == MYSQL_TYPE_LONGLONG) {
        if (auto d = Decimal::parse(t)) {
          if (auto i = d->to_int64()) return Value(*i);
          return Value(*d);  // above INT64_MAX
        }
      }
      return Value(static_cast<int64_t>(std::strtoll(text, nullptr, 10)));
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL:
    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE:
      if (auto d = Decimal::parse(t)) return Value(*d);
      break;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
      if (auto d = Date::parse(t)) return Value(*d);
      break;  // zero dates stay text
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
      if (auto d = DateTime::parse(t, 0)) return Value(*d);  // session time_zone is UTC
      break;
    case MYSQL_TYPE_JSON:
      if (auto j = parse_json(t)) return std::move(*j);
      break;
    default:
      break;
  }
  return Value(std::string(t));
}

Result<std::unique_ptr<SqlRowStream>> MysqlClient::stream(const std::string& sql,
                                                          std::span<const Value> params, size_t,
                                                          std::string_view doing) {
  auto conn = open_session();
  if (!conn) return conn.error();
  auto s = std::make_unique<MysqlRowStream>(*this, std::move(*conn), std::string(doing));
  if (Status st = s->open(sql, params); !st) return st.error();
  return std::unique_ptr<SqlRowStream>(std::move(s));
}

}  // namespace crmsync
