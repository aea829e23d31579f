// The filter evaluated in-process must select the same records as SQLite
// evaluating its SQL rendering: random records and random filters (seeded,
// reproducible), read through the real sqlite connector with the filter
// pushed down and without it, then compared record by record.
#include <gtest/gtest.h>

#include <chrono>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "connectors/registry.h"
#include "core/time.h"
#include "filter/filter.h"
#include "support/sqlite_connection.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace crmsync {
namespace {

using testing::open_sqlite_connection;
using testing::SqliteProbe;
using testing::TempDir;

constexpr uint32_t kSeed = 20261206;
constexpr int kRecords = 240;
constexpr int kFilters = 600;

class Gen {
 public:
  Gen(uint32_t seed, int64_t now) : rng_(seed), today_(DateTime{now, 0}.date()) {}

  bool chance(int percent) { return static_cast<int>(rng_() % 100) < percent; }
  int pick(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }

  // Lower case only: SOQL text equality ignores case, SQLite's does not, and
  // the filter README leaves case to the database's collation.
  std::string word() {
    std::string w;
    for (int i = 1 + pick(3); i > 0; --i) w += static_cast<char>('a' + pick(4));
    return w;
  }
  std::string amount() {
    std::string s = (chance(30) ? "-" : "") + std::to_string(pick(40));
    if (chance(60))
      s += "." + std::to_string(pick(10)) + (chance(50) ? std::to_string(pick(10)) : "");
    return s;
  }
  std::string qty() { return std::to_string(pick(11) - 5); }
  std::string date() { return Date{today_.days + pick(121) - 60}.to_string(); }
  std::string datetime() {
    int64_t micros = int64_t{today_.days} * 86400000000 +
                     (int64_t{pick(7 * 24)} - 72) * 3600000000 + int64_t{pick(60)} * 60000000;
    return DateTime{micros, 0}.to_iso8601();
  }
  std::string date_literal() {
    static const char* fixed[] = {"TODAY",      "YESTERDAY", "TOMORROW", "THIS_MONTH",
                                  "LAST_MONTH", "THIS_YEAR", "LAST_YEAR"};
    if (chance(40)) {
      return std::string(chance(50) ? "LAST_N_DAYS:" : "NEXT_N_DAYS:") + std::to_string(pick(40));
    }
    return fixed[pick(7)];
  }

  std::string op() {
    static const char* ops[] = {"=", "!=", "<>", "<", "<=", ">", ">="};
    return ops[pick(7)];
  }

  template <typename F>
  std::string list(F value) {
    std::string s = "(";
    for (int i = 1 + pick(3); i > 0; --i) s += value() + (i > 1 ? ", " : "");
    if (chance(15)) s += ", NULL";
    return s + ")";
  }

  std::string atom() {
    auto quoted = [this] { return "'" + word() + "'"; };
    auto num = [this] { return amount(); };
    auto whole = [this] { return qty(); };
    switch (pick(7)) {
      case 0: {  // name
        int k = pick(6);
        if (k == 0) return "name " + std::string(chance(50) ? "=" : "!=") + " NULL";
        if (k == 1) return "name IN " + list(quoted);
        if (k == 2) return "name NOT IN " + list(quoted);
        if (k == 3) {
          std::string p;
          for (int i = 1 + pick(3); i > 0; --i) {
            int c = pick(4);
            p += c == 0 ? "%" : c == 1 ? "_" : word().substr(0, 1);
          }
          return "name LIKE '" + p + "'";
        }
        return "name " + op() + " " + quoted();
      }
      case 1:  // amount
        if (chance(20)) return "amount " + std::string(chance(50) ? "IN " : "NOT IN ") + list(num);
        if (chance(10)) return "amount " + std::string(chance(50) ? "=" : "!=") + " NULL";
        return "amount " + op() + " " + num();
      case 2:  // qty
        if (chance(20)) return "qty " + std::string(chance(50) ? "IN " : "NOT IN ") + list(whole);
        return "qty " + op() + " " + (chance(20) ? num() : whole());
      case 3:  // active
        return "active " + std::string(chance(50) ? "=" : "!=") + " " +
               (chance(15)   ? "NULL"
                : chance(50) ? "TRUE"
                             : "FALSE");
      case 4:  // born
        return "born " + op() + " " + (chance(50) ? date_literal() : date());
      case 5:  // seen
        return "seen " + op() + " " + (chance(50) ? date_literal() : datetime());
      default:
        return "qty " + op() + " " + whole();
    }
  }

  std::string filter(int depth = 0) {
    if (depth >= 3 || chance(35)) return atom();
    switch (pick(3)) {
      case 0:
        return "(" + filter(depth + 1) + " AND " + filter(depth + 1) + ")";
      case 1:
        return "(" + filter(depth + 1) + " OR " + filter(depth + 1) + ")";
      default:
        return "NOT (" + filter(depth + 1) + ")";
    }
  }

 private:
  std::mt19937 rng_;
  Date today_;
};

std::string sql_text(const std::string& v) {
  return "'" + v + "'";
}

std::vector<Record> read_all(Connection& c, const filter::Filter* f) {
  ReadRequest req;
  req.object = "t";
  req.filter = f;
  req.batch_size = 1000;
  auto reader = c.read(req);
  EXPECT_TRUE(reader.ok()) << (reader.ok() ? "" : reader.error().message);
  std::vector<Record> all, batch;
  if (!reader.ok()) return all;
  while (true) {
    auto more = (*reader)->next(batch);
    EXPECT_TRUE(more.ok()) << (more.ok() ? "" : more.error().message);
    for (Record& r : batch) all.push_back(std::move(r));
    if (!more.ok() || !*more) break;
  }
  return all;
}

std::string describe(const Record& r) {
  std::string s = r.id() + " {";
  for (size_t i = 0; i < r.size(); ++i)
    s += " " + r.name(i) + "=" + std::string(to_string(r.value(i).type())) + ":" +
         r.value(i).to_text();
  return s + " }";
}

TEST(FilterSqliteDifferential, InProcessMatchesSqliteOnRandomRecords) {
  const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  Gen gen(kSeed, now);
  TempDir d;
  {
    SqliteProbe db(d.file("t.db"));
    db.exec(
        "create table t (id text primary key, name text, amount numeric, qty integer, "
        "active boolean, born date, seen timestamp)");
    std::string sql = "begin;";
    for (int i = 0; i < kRecords; ++i) {
      auto maybe = [&](std::string v) { return gen.chance(15) ? std::string("NULL") : v; };
      sql += "insert into t values ('r" + std::to_string(i) + "', " + maybe(sql_text(gen.word())) +
             ", " + maybe(gen.amount()) + ", " + maybe(gen.qty()) + ", " +
             maybe(std::to_string(gen.pick(2))) + ", " + maybe(sql_text(gen.date())) + ", " +
             maybe(sql_text(gen.datetime())) + ");";
    }
    db.exec(sql + "commit;");
  }
  auto c = open_sqlite_connection(d);
  ASSERT_NE(c, nullptr);
  const std::vector<Record> all = read_all(*c, nullptr);
  ASSERT_EQ(all.size(), static_cast<size_t>(kRecords));

  int failures = 0;
  int nonempty = 0;
  for (int i = 0; i < kFilters && failures < 10; ++i) {
    std::string text = gen.filter();
    auto f = filter::Filter::parse(text);
    ASSERT_TRUE(f.ok()) << text << ": " << f.error().message;
    std::set<std::string> want;
    for (const Record& r : all) {
      if (f->matches(r, now)) want.insert(r.id());
    }
    std::set<std::string> got;
    for (const Record& r : read_all(*c, &*f)) got.insert(r.id());
    if (!want.empty() && want.size() < all.size()) ++nonempty;
    if (got == want) continue;
    ++failures;
    auto sql = f->to_sql(filter::Filter::SqlDialect::sqlite, now);
    std::string diff;
    for (const Record& r : all) {
      bool in_want = want.count(r.id()) > 0, in_got = got.count(r.id()) > 0;
      if (in_want != in_got && diff.size() < 1500) {
        diff +=
            std::string("\n  ") + (in_want ? "in-process only: " : "sqlite only: ") + describe(r);
      }
    }
    ADD_FAILURE() << "filter #" << i << ": " << text << "\n  sql: " << (sql ? sql->where : "?")
                  << diff;
  }
  // The filters must discriminate, or agreement would prove nothing.
  EXPECT_GT(nonempty, kFilters / 4);
}

}  // namespace
}  // namespace crmsync
