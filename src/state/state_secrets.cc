// The secrets table (migration 1): tokens crmsync obtained itself (the
// Salesforce web-server flow), sealed by secret_cipher.h.
#include "state/secret_cipher.h"
#include "state/sqlite_state_store.h"

namespace crmsync {

Status SqliteStateStore::put_secret(std::string_view name, std::string_view value, int64_t now) {
  auto key = secret_key_from_env();
  if (!key) return key.error().with_context("storing secret " + std::string(name));
  std::string sealed = seal_secret(*key, name, value);
  auto q = db_->prepare(
      "INSERT INTO secrets (name, ciphertext, updated_at) VALUES (?, ?, ?) "
      "ON CONFLICT (name) DO UPDATE SET ciphertext = excluded.ciphertext, "
      "updated_at = excluded.updated_at");
  if (!q) return q.error();
  Stmt st(*q);
  st.bind(1, name);
  sqlite3_bind_blob(st.get(), 2, sealed.data(), static_cast<int>(sealed.size()), SQLITE_TRANSIENT);
  st.bind(3, now);
  if (st.step() != SQLITE_DONE) return db_->error("storing a secret");
  return {};
}

Result<bool> SqliteStateStore::has_secret(std::string_view name) {
  auto q = db_->prepare("SELECT 1 FROM secrets WHERE name = ?");
  if (!q) return q.error();
  Stmt st(*q);
  st.bind(1, name);
  int rc = st.step();
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_->error("looking up a secret");
  return rc == SQLITE_ROW;
}

Result<bool> SqliteStateStore::delete_secret(std::string_view name) {
  auto q = db_->prepare("DELETE FROM secrets WHERE name = ?");
  if (!q) return q.error();
  Stmt st(*q);
  st.bind(1, name);
  if (st.step() != SQLITE_DONE) return db_->error("deleting a secret");
  return sqlite3_changes(db_->handle()) > 0;
}

Result<std::optional<std::string>> SqliteStateStore::get_secret(std::string_view name) {
  auto key = secret_key_from_env();
  if (!key) return key.error().with_context("reading secret " + std::string(name));
  auto q = db_->prepare("SELECT ciphertext FROM secrets WHERE name = ?");
  if (!q) return q.error();
  Stmt st(*q);
  st.bind(1, name);
  int rc = st.step();
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  if (rc != SQLITE_ROW) return db_->error("reading a secret");
  const void* blob = sqlite3_column_blob(st.get(), 0);
  std::string sealed(static_cast<const char*>(blob), sqlite3_column_bytes(st.get(), 0));
  auto plain = open_secret(*key, name, sealed);
  if (!plain) return plain.error().with_context("reading secret " + std::string(name));
  return std::optional<std::string>(std::move(*plain));
}

}  // namespace crmsync
