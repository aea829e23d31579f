#pragma once

#include <string>

#include "config/config.h"
#include "config/yaml_reader.h"

namespace crmsync {

// Reads a connection's `webhooks:` block (docs/configuration.md,
// "Webhooks"), reporting at file:line and key: an unknown scheme, a scheme
// without the secret it needs (pipedrive: password; standard: secrets;
// path_secret: path_secret), a path secret that is short or not URL-safe, a
// "where" that is not query./header./body., an action that is not create,
// update or delete. Registers every secret with the redactor.
void read_webhooks(YamlReader& r, const YAML::Node& n, const std::string& key, WebhookConfig& w);

// The `serve:` block.
void read_serve(YamlReader& r, const YAML::Node& n, ServeConfig& s);

}  // namespace crmsync
