#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "net/http_message.h"
#include "sandbox/pipedrive/pipedrive_store.h"

namespace crmsync::sandbox::pipedrive {

// "persons" -> person, "organizations" -> organization, "deals" -> deal,
// "notes" -> note, "activities" -> activity, "products" -> product.
Entity entity_from_plural(const std::string& plural);
// "personFields" -> person, ...
std::optional<Entity> entity_from_fields_path(const std::string& name);
// "Person", "Organization", "Deal", "Note" for messages ("Person not found").
std::string entity_title(Entity entity);

// "a,b,,c" -> {"a","b","c"}: comma-separated query parameter values.
std::set<std::string> split_list(const std::string& text);

// The records a v2 list answers: filters from the query (owner_id, org_id,
// person_id, deal_id, stage_id, pipeline_id, status, done, ids,
// updated_since/until),
// deleted ones only for deals asked with status=deleted, ordered by id.
// Error text (for a 400) in `error` when a filter is malformed.
std::vector<StoredRecord> filter_v2_list(const PipedriveStore& store, Entity entity,
                                         const net::HttpRequest& request, std::string& error,
                                         PipedriveStore::Window window = {});

}  // namespace crmsync::sandbox::pipedrive
