#include "state/open_state_store.h"

namespace crmsync {

Result<std::unique_ptr<StateStore>> open_state_store(const StateConfig& state) {
  if (state.type == "postgres") return open_postgres_state_store(state.url);
  return open_sqlite_state_store(state.path);
}

}  // namespace crmsync
