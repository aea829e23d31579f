#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "connectors/connector.h"
#include "connectors/pipedrive/pipedrive_client.h"
#include "connectors/pipedrive/pipedrive_fields.h"
#include "connectors/pipedrive/pipedrive_stages.h"

namespace crmsync {

// Pipedrive objects (person, organization, deal, activity, product through
// v2; note through v1). Custom fields are named as in Pipedrive's UI and
// resolved to their keys once per run; enum/set values go by label. Reads
// page with v2 cursors (500 a page) and `updated_since` for a cursor on
// update_time. Pipedrive has no batch writes: one call per record, paced
// under the burst limit. Matching uses the search endpoints (exact match).
// Deals may name their stage and pipeline; reads give them back as ids.
class PipedriveConnection final : public Connection {
 public:
  PipedriveConnection(PipedriveConfig config, Clock& clock, net::SessionLog log = {},
                      net::ApiObserver* api_observer = nullptr)
      : config_(std::move(config)), client_(config_, clock, std::move(log), api_observer) {}

  Capabilities capabilities(std::string_view object) const override;
  Status check() override;
  Result<ObjectSchema> describe(std::string_view object) override;
  Result<std::unique_ptr<RecordReader>> read(const ReadRequest& request) override;
  Result<std::vector<Record>> read_by_ids(std::string_view object, std::string_view id_field,
                                          std::span<const std::string> ids) override;
  Result<std::vector<Record>> search(std::string_view object, std::string_view id_field,
                                     std::string_view field,
                                     std::span<const Value> values) override;
  Result<std::vector<WriteResult>> write(const WriteRequest& request) override;
  // Custom fields a flow writes that do not exist yet (created as varchar,
  // or enum with the flow's values); deal stages and pipelines the flow's
  // values name that do not exist (reported, never created).
  Result<SetupReport> setup_target(const SetupRequest& request) override;
  // Webhook subscriptions at request.url: one per object, every action,
  // version 2.0, basic auth (pipedrive_webhook_subscriptions.h).
  Result<SetupReport> setup_webhooks(const WebhookSubscriptionRequest& request) override;

  // A call through the paced client, counted as an API call.
  Result<PipedriveClient::Answer> call(const std::string& method, const std::string& path,
                                       const std::string& body = "", bool search = false);
  Result<const PipedriveFieldCatalog*> catalog(const PipedriveObject& obj);
  // Pipelines and stages, read on first use and kept for the run.
  Result<const PipedriveStageCatalog*> stage_catalog();
  // An API item (v2 shape; v1 for notes) as a record: custom fields under
  // their names with option labels, times typed.
  Record to_record(const Value& item, const PipedriveFieldCatalog& fields,
                   const FieldNamesPtr& names) const;
  const PipedriveClient& client() const { return client_; }
  const PipedriveConfig& config() const { return config_; }

 private:
  Result<const PipedriveObject*> object(std::string_view name) const;
  Result<std::string> body_for(const Record& record, const PipedriveObject& obj,
                               const PipedriveFieldCatalog& fields);
  // A deal's stage_id / pipeline_id given by name, as ids (in `out`).
  Status resolve_stage(const Record& record, Object& out);
  WriteResult write_one(const WriteItem& item, const PipedriveObject& obj,
                        const PipedriveFieldCatalog& fields);

  PipedriveConfig config_;
  PipedriveClient client_;
  std::map<std::string, PipedriveFieldCatalog, std::less<>> catalogs_;
  std::optional<PipedriveStageCatalog> stages_;
};

}  // namespace crmsync
