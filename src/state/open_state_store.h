#pragma once

#include <memory>

#include "config/config.h"
#include "state/state_store.h"

namespace crmsync {

// The store a config's `state:` block names: the SQLite file at state.path
// (the default), or the PostgreSQL database at state.url.
Result<std::unique_ptr<StateStore>> open_state_store(const StateConfig& state);

}  // namespace crmsync
