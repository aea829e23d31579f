#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "core/time.h"

namespace crmsync {

// What a Pipedrive webhook says changed. A hint only (DESIGN.md 4.1): the
// runner reads the record's current state before writing, so a late,
// repeated or out-of-order delivery cannot regress data.
struct PipedriveChangeHint {
  enum class Action { create, update, remove };
  std::string object;  // "person", "deal", ... (Pipedrive's singular names)
  std::string id;      // the record's id, as text
  Action action = Action::update;
  DateTime time;  // when Pipedrive made the change (meta.timestamp)
  // v2's event id (meta.id), the same on every retry of a delivery; v1
  // bodies have none (empty).
  std::string event_id;
};

// Parses a delivery body, v2 (`{"meta":{"action":"change","entity":...,
// "entity_id":"7","timestamp":"...Z"}, "data", "previous"}`) or v1
// (`{"v":1,"meta":{"action":"updated","object":...,"id":7,"timestamp":
// 1523440213}, "current", "previous", "event"}`). v1 "merged" is an update
// of the surviving record. A malformed body is a rejected error that names
// the place and what is wrong ("meta.entity_id: missing"). Called by the
// webhook receiver, any thread; no state.
Result<PipedriveChangeHint> parse_pipedrive_webhook(std::string_view body);

std::string_view to_string(PipedriveChangeHint::Action action);

}  // namespace crmsync
