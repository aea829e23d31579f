// The state-store suite (tests/unit/state/cases/) on a real PostgreSQL
// server (the CTest fixture's, or one started for this binary): a fresh
// database per test.
#include <memory>

#include "support/sql_test_server.h"
#include "unit/state/cases/state_suite.h"

namespace crmsync::testing {

std::string pg_state_url(const SqlServerInfo& server, const std::string& database) {
  return "postgresql://" + server.user + ":" + server.password +
         "@127.0.0.1:" + std::to_string(server.port) + "/" + database;
}

namespace {

class PostgresBackend final : public StateBackend {
 public:
  PostgresBackend() : server_(test_server("postgres")), database_(server_.create_database()) {}
  ~PostgresBackend() override {
    server_.sql("postgres", "DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE);");
  }
  Result<std::unique_ptr<StateStore>> open() override {
    return open_postgres_state_store(pg_state_url(server_, database_));
  }
  void exec(const std::string& sql) override {
    CommandResult r = server_.sql(database_, sql + ";");
    EXPECT_EQ(r.exit_code, 0) << sql << "\n" << r.output;
  }
  std::string scalar(const std::string& query) override {
    return server_.scalar(database_, query + ";");
  }
  int64_t schema_version() const override { return 1; }
  void fail_error_inserts_of(const std::string& source_id) override {
    exec(
        "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.source_id = "
        "'" +
        source_id +
        "' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$; "
        "CREATE TRIGGER boom BEFORE INSERT ON record_errors FOR EACH ROW EXECUTE FUNCTION boom()");
  }
  std::string raw_secret(const std::string& name) override {
    std::string hex =
        scalar("select encode(ciphertext, 'hex') from secrets where name = '" + name + "'");
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
      out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    }
    return out;
  }
  std::string where() const override {
    return "postgres://" + server_.user + "@127.0.0.1:" + std::to_string(server_.port) + "/" +
           database_;
  }

 private:
  const SqlServerInfo& server_;
  std::string database_;
};

const StateBackendParam kPostgres{"postgres", [] { return std::make_unique<PostgresBackend>(); }};

}  // namespace

CRMSYNC_INSTANTIATE_STATE_SUITE(Postgres, kPostgres);

}  // namespace crmsync::testing
