#pragma once

#include <string>
#include <string_view>

#include "config/config.h"
#include "core/result.h"
#include "state/state_store.h"

namespace crmsync {

// Secrets crmsync obtained for a connection itself (the refresh token of
// `crmsync connect`) live in the state store, which connectors cannot see:
// the engine hands them to the connection as the option they stand for.

// The state store name of a connection's stored option value.
std::string connection_secret_name(std::string_view connection, std::string_view option);

// `config` with each secret option of its connector's spec that the config
// leaves unset filled from the store, when the store holds one. Errors:
// those of StateStore::get_secret (no or wrong CRMSYNC_SECRET_KEY), fatal.
Result<ConnectionConfig> with_stored_secrets(const ConnectionConfig& config, StateStore& store);

}  // namespace crmsync
