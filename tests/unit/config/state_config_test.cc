// The state: block: sqlite by path (the default, old configs unchanged) or
// postgres by url, whose password is a secret.
#include <gtest/gtest.h>

#include "config/loader.h"
#include "core/redact.h"

namespace crmsync {
namespace state_config_test {

LoadResult load(const std::string& state_block, std::map<std::string, std::string> vars = {}) {
  std::string text = state_block +
                     "connections:\n  files: {type: file, dir: data}\n"
                     "flows:\n  f:\n    source: {connection: files, object: a.csv}\n"
                     "    target: {connection: files, object: b.csv}\n    mapping: {a: a}\n";
  return load_config_text(text, "/etc/crmsync/crm.yaml",
                          [vars](const std::string& k) -> std::optional<std::string> {
                            auto it = vars.find(k);
                            if (it == vars.end()) return std::nullopt;
                            return it->second;
                          });
}

TEST(StateConfig, OldConfigsStaySqliteBesideTheConfig) {
  LoadResult none = load("");
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none.config.state.type, "sqlite");
  EXPECT_EQ(none.config.state.path, "/etc/crmsync/crm.state.db");
  EXPECT_EQ(none.config.state.display(), "/etc/crmsync/crm.state.db");
  LoadResult typed = load("state: {type: sqlite, path: s.db}\n");
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ(typed.config.state.path, "/etc/crmsync/s.db");
}

TEST(StateConfig, PostgresTakesAUrlWhosePasswordIsMasked) {
  LoadResult r =
      load("state:\n  type: postgres\n  url: ${CRMSYNC_STATE_URL}\n",
           {{"CRMSYNC_STATE_URL", "postgres://sync:Pg-State-Pw-77@db.internal:5433/crmsync"}});
  ASSERT_TRUE(r.ok()) << r.diagnostics[0].to_string();
  EXPECT_EQ(r.config.state.type, "postgres");
  EXPECT_EQ(r.config.state.url, "postgres://sync:Pg-State-Pw-77@db.internal:5433/crmsync");
  EXPECT_EQ(r.config.state.display(), "postgres://sync@db.internal:5433/crmsync");
  EXPECT_EQ(redact("failed: Pg-State-Pw-77"), "failed: ***");
  EXPECT_EQ(state_url_password("postgres://u@h/db"), "");
  EXPECT_EQ(state_url_password("postgres://h/db?user=u"), "");
}

// libpq also takes the password as a keyword (key=value connection
// strings) and in a URL's query: shown as written, serve's start log and
// `crmsync status` printed it.
TEST(StateConfig, APasswordGivenAsAKeywordIsMaskedToo) {
  LoadResult kv = load("state:\n  type: postgres\n  url: ${CRMSYNC_STATE_URL}\n",
                       {{"CRMSYNC_STATE_URL", "host=db.internal password='Kv Pw\\'9' dbname=c"}});
  ASSERT_TRUE(kv.ok()) << kv.diagnostics[0].to_string();
  EXPECT_EQ(state_url_password(kv.config.state.url), "Kv Pw'9");
  EXPECT_EQ(kv.config.state.display().find("Pw"), std::string::npos) << kv.config.state.display();
  EXPECT_EQ(redact("failed: Kv Pw'9"), "failed: ***");
  StateConfig q;
  q.type = "postgres";
  q.url = "postgresql://sync@db/c?sslmode=require&password=Q-Pw-5";
  EXPECT_EQ(state_url_password(q.url), "Q-Pw-5");
  EXPECT_EQ(q.display(), "postgresql://sync@db/c?sslmode=require&password=***");
  EXPECT_EQ(state_url_password("host=h user=u"), "");
  EXPECT_EQ(state_url_password("host=h mypassword=x"), "");
}

TEST(StateConfig, PostgresWithoutAUrlAndUnknownTypesAreErrors) {
  LoadResult r = load("state: {type: postgres}\n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.diagnostics[0].message.find("needs url"), std::string::npos)
      << r.diagnostics[0].message;
  LoadResult mongo = load("state: {type: mongo}\n");
  ASSERT_FALSE(mongo.ok());
  EXPECT_NE(mongo.diagnostics[0].message.find("expected 'sqlite' or 'postgres'"),
            std::string::npos);
  LoadResult url_on_sqlite = load("state: {path: s.db, url: postgres://h/db}\n");
  ASSERT_FALSE(url_on_sqlite.ok());
}

}  // namespace state_config_test
}  // namespace crmsync
