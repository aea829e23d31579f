// The state-store suite (cases/) on SQLite files: one temp dir per test.
#include <memory>

#include "support/sqlite_probe.h"
#include "support/temp_dir.h"
#include "unit/state/cases/state_suite.h"

namespace crmsync::testing {
namespace {

class SqliteBackend final : public StateBackend {
 public:
  Result<std::unique_ptr<StateStore>> open() override { return open_sqlite_state_store(file()); }
  void exec(const std::string& sql) override { SqliteProbe(file()).exec(sql); }
  std::string scalar(const std::string& query) override {
    return SqliteProbe(file()).scalar(query);
  }
  int64_t schema_version() const override { return 7; }
  void fail_error_inserts_of(const std::string& source_id) override {
    exec("CREATE TRIGGER boom BEFORE INSERT ON record_errors WHEN NEW.source_id = '" + source_id +
         "' BEGIN SELECT RAISE(ABORT, 'injected failure'); END;");
  }
  std::string raw_secret(const std::string& name) override {
    // hex() keeps the bytes whole through the probe's text columns.
    return unhex(scalar("select hex(ciphertext) from secrets where name = '" + name + "'"));
  }
  std::string where() const override { return file(); }

 private:
  std::string file() const { return dir_.file("state.db"); }
  static std::string unhex(const std::string& hex) {
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
      out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    }
    return out;
  }
  TempDir dir_;
};

const StateBackendParam kSqlite{"sqlite", [] { return std::make_unique<SqliteBackend>(); }};

}  // namespace

CRMSYNC_INSTANTIATE_STATE_SUITE(Sqlite, kSqlite);

}  // namespace crmsync::testing
