// setup_target: what a flow writing to a Pipedrive object needs before its
// first run. Custom fields that do not exist are created (apply=true) through
// the v1 fields endpoint, and options an enum/set field lacks are added;
// stages and pipelines are only checked, since which pipeline a new stage
// belongs in is the user's decision.
#include <algorithm>
#include <set>

#include "connectors/pipedrive/pipedrive_connection.h"
#include "core/json.h"

namespace crmsync {

namespace {

// v2 body keys of each object that the field definitions do not list under
// the same key (v1 names them differently, or they are not fields there).
bool standard_v2_key(const std::string& object, const std::string& key) {
  static const std::set<std::string> kCommon = {
      "id", "owner_id", "add_time", "update_time", "is_deleted", "visible_to", "label_ids"};
  static const std::set<std::string> kPerson = {
      "email",          "phone",  // one text each, sent as the primary entry
      "name",           "first_name", "last_name",       "org_id",    "emails",
      "phones",         "im",         "birthday",        "job_title", "notes",
      "postal_address", "picture_id", "marketing_status"};
  static const std::set<std::string> kOrganization = {"name", "address"};
  static const std::set<std::string> kDeal = {
      "title",       "value",      "currency", "person_id",           "org_id",
      "pipeline_id", "stage_id",   "status",   "expected_close_date", "probability",
      "lost_reason", "close_time", "won_time", "lost_time",           "stage_change_time",
      "is_archived"};
  static const std::set<std::string> kActivity = {
      "subject",    "type",     "deal_id",      "lead_id",   "person_id", "org_id",
      "project_id", "due_date", "due_time",     "duration",  "busy",      "done",
      "note",       "location", "participants", "attendees", "priority",  "public_description"};
  static const std::set<std::string> kProduct = {"name",
                                                 "code",
                                                 "description",
                                                 "unit",
                                                 "tax",
                                                 "category",
                                                 "is_linkable",
                                                 "prices",
                                                 "billing_frequency",
                                                 "billing_frequency_cycles"};
  static const std::set<std::string> kNote = {"content", "deal_id", "person_id",
                                              "org_id",  "lead_id", "user_id"};
  if (kCommon.count(key)) return true;
  if (object == "person") return kPerson.count(key) > 0;
  if (object == "organization") return kOrganization.count(key) > 0;
  if (object == "deal") return kDeal.count(key) > 0;
  if (object == "activity") return kActivity.count(key) > 0;
  if (object == "product") return kProduct.count(key) > 0;
  return object == "note" && (kNote.count(key) > 0 || key.starts_with("pinned_to_"));
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// The option labels a flow needs that an enum/set field lacks.
std::vector<std::string> missing_options(const PipedriveField& field,
                                         const std::vector<Value>& values) {
  std::vector<std::string> out;
  for (const Value& v : values) {
    std::string label = v.to_text();
    if (!field.option_ids.count(label) && std::find(out.begin(), out.end(), label) == out.end())
      out.push_back(label);
  }
  return out;
}

// Checks stage and pipeline values against the company's pipelines. A stage
// is looked up in the pipelines the flow names, when it names them.
void check_stages(const PipedriveStageCatalog& cat, const TargetFieldNeed* pipeline_need,
                  const TargetFieldNeed* stage_need, SetupReport& report) {
  std::vector<int64_t> pipelines;
  if (pipeline_need) {
    for (const Value& v : pipeline_need->values) {
      auto id = cat.pipeline_id(v);
      bool known = id && std::any_of(cat.pipelines().begin(), cat.pipelines().end(),
                                     [&](const PipedrivePipeline& p) { return p.id == *id; });
      if (known) {
        pipelines.push_back(*id);
        continue;
      }
      std::vector<std::string> names;
      for (const auto& p : cat.pipelines()) names.push_back(p.name);
      report.missing.push_back("deal pipeline '" + v.to_text() + "' (pipelines: " + joined(names) +
                               ")");
    }
  }
  if (!stage_need) return;
  for (const Value& v : stage_need->values) {
    if (auto id = pipedrive_id_value(v)) {
      bool known = std::any_of(cat.stages().begin(), cat.stages().end(),
                               [&](const PipedriveStage& s) { return s.id == *id; });
      if (!known) report.missing.push_back("deal stage id " + v.to_text() + " (no such stage)");
      continue;
    }
    // In one of the flow's pipelines, or (none named) in exactly one.
    std::optional<std::string> problem;
    if (pipelines.empty()) {
      auto id = cat.stage_id(v, std::nullopt);
      if (!id) problem = id.error().message;
    } else {
      bool found = false;
      for (int64_t p : pipelines) found = found || cat.stage_id(v, p).ok();
      if (!found) {
        std::string where;
        for (int64_t p : pipelines)
          where +=
              (where.empty() ? "" : "; ") + cat.pipeline_name(p) + ": " + cat.describe_stages(p);
        problem = "not in the flow's pipelines (stages: " + where + ")";
      }
    }
    if (problem) report.missing.push_back("deal stage '" + v.to_text() + "': " + *problem);
  }
}

}  // namespace

Result<SetupReport> PipedriveConnection::setup_target(const SetupRequest& req) {
  auto obj = object(req.object);
  if (!obj) return obj.error();
  auto cat = catalog(**obj);
  if (!cat) return cat.error();
  SetupReport report;
  const std::string& name = (*obj)->name;
  const TargetFieldNeed* stage_need = nullptr;
  const TargetFieldNeed* pipeline_need = nullptr;
  struct Creation {
    std::string name;
    std::vector<std::string> options;          // empty: varchar
    const PipedriveField* existing = nullptr;  // set: add `options` to this field
  };
  std::vector<Creation> creations;
  for (const TargetFieldNeed& need : req.fields) {
    if (name == "deal" && need.name == "stage_id") {
      if (!need.values.empty()) stage_need = &need;
      continue;
    }
    if (name == "deal" && need.name == "pipeline_id") {
      if (!need.values.empty()) pipeline_need = &need;
      continue;
    }
    const PipedriveField* f = (*cat)->by_name(need.name);
    if (f == nullptr) f = (*cat)->by_key(need.name);
    if (f != nullptr) {
      if ((f->type == "enum" || f->type == "set") && f->custom) {
        auto lacking = missing_options(*f, need.values);
        if (!lacking.empty()) {
          report.to_create.push_back(name + " field '" + f->name + "' options " + joined(lacking));
          creations.push_back({f->name, std::move(lacking), f});
        }
      }
      continue;
    }
    if (standard_v2_key(name, need.name) || (*obj)->fields.empty() || !(*obj)->v2) continue;
    Creation c{need.name, {}};
    for (const Value& v : need.values) {
      std::string label = v.to_text();
      if (std::find(c.options.begin(), c.options.end(), label) == c.options.end())
        c.options.push_back(label);
    }
    report.to_create.push_back(name + " field '" + c.name + "' (" +
                               (c.options.empty() ? "varchar" : "enum: " + joined(c.options)) +
                               ")");
    creations.push_back(std::move(c));
  }
  if (stage_need || pipeline_need) {
    auto stages = stage_catalog();
    if (!stages) return stages.error();
    check_stages(**stages, pipeline_need, stage_need, report);
  }
  if (!req.apply || creations.empty()) return report;
  // Every body first: the catalog (which `existing` points into) is dropped
  // after the first change.
  struct Call {
    std::string method, path, body, what;
  };
  std::vector<Call> calls;
  for (const Creation& c : creations) {
    std::string opts;
    if (c.existing != nullptr) {
      // v1 replaces a field's options: the existing ones go with their ids.
      for (const auto& [id, label] : c.existing->option_labels) {
        opts += (opts.empty() ? "{\"id\":" : ",{\"id\":") + std::to_string(id) + ",\"label\":";
        append_json_string(label, opts);
        opts += "}";
      }
    }
    for (const std::string& label : c.options) {
      opts += opts.empty() ? "{\"label\":" : ",{\"label\":";
      append_json_string(label, opts);
      opts += "}";
    }
    if (c.existing != nullptr) {
      calls.push_back({"PUT", "/v1/" + (*obj)->fields + "/" + std::to_string(c.existing->id),
                       "{\"options\":[" + opts + "]}",
                       "adding options to " + name + " field '" + c.name + "'"});
      continue;
    }
    std::string body = "{\"name\":";
    append_json_string(c.name, body);
    body += c.options.empty() ? ",\"field_type\":\"varchar\"}"
                              : ",\"field_type\":\"enum\",\"options\":[" + opts + "]}";
    calls.push_back(
        {"POST", "/v1/" + (*obj)->fields, body, "creating " + name + " field '" + c.name + "'"});
  }
  for (const Call& c : calls) {
    auto a = call(c.method, c.path, c.body);
    // The catalog is stale once anything changed, even if a later call fails.
    catalogs_.erase(name);
    if (!a) return a.error().with_context(c.what);
  }
  return report;
}

}  // namespace crmsync
