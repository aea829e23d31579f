#pragma once

#include <map>
#include <memory>
#include <string>

#include "connectors/connector.h"
#include "connectors/salesforce/salesforce_client.h"
#include "connectors/salesforce/salesforce_config.h"
#include "connectors/salesforce/salesforce_json.h"

namespace crmsync {

// Salesforce sObjects as objects. Reads run SOQL (the flow's filter pushed
// down verbatim, a `cursor_field >= value` bound, ORDER BY cursor, Id) and
// follow nextRecordsUrl; queryAll when deletes are wanted. Writes go through
// sObject Collections, 200 records a call, never allOrNone, so every record
// gets its own result. Describe answers are cached per object for the run.
class SalesforceConnection final : public Connection {
 public:
  SalesforceConnection(SalesforceConfig config, Clock& clock, net::SessionLog log = {},
                       net::ApiObserver* api_observer = nullptr)
      : config_(std::move(config)), client_(config_, clock, std::move(log), api_observer) {}

  Capabilities capabilities(std::string_view object) const override;
  Status check() override;
  Result<ObjectSchema> describe(std::string_view object) override;
  Result<std::unique_ptr<RecordReader>> read(const ReadRequest& request) override;
  // SELECT COUNT() FROM object with read(request)'s filter and cursor bound
  // (queryAll when deletes are wanted); one API call.
  Result<std::optional<int64_t>> count(const ReadRequest& request) override;
  Result<std::vector<Record>> read_by_ids(std::string_view object, std::string_view id_field,
                                          std::span<const std::string> ids) override;
  Result<std::vector<Record>> search(std::string_view object, std::string_view id_field,
                                     std::string_view field,
                                     std::span<const Value> values) override;
  Result<std::vector<WriteResult>> write(const WriteRequest& request) override;
  // Change Data Capture over the Streaming API (salesforce_cdc.h).
  Result<std::unique_ptr<ChangeSubscription>> subscribe(const SubscribeRequest& request) override;

  // One REST call through the session, counted as an API call.
  Result<net::HttpResponse> call(const std::string& method, const std::string& path,
                                 const std::string& body = "",
                                 const net::HttpHeaders& headers = {});
  // Field types of an object (from a cached describe).
  Result<const SalesforceFieldTypes*> field_types(const std::string& object);
  struct Described {
    ObjectSchema schema;
    SalesforceFieldTypes types;
    SalesforceRelationships relationships;
  };
  // An object's describe, fetched once per connection.
  Result<const Described*> described_object(const std::string& object);
  int64_t query_batch_size() const { return config_.query_batch_size; }
  const SalesforceConfig& config() const { return config_; }
  // The daily API usage the last answer reported (Sforce-Limit-Info).
  int64_t api_used() const { return client_.api_used(); }
  int64_t api_max() const { return client_.api_max(); }
  // The clock waits go through (Bulk job polls).
  Clock& clock() { return client_.clock(); }

 private:
  // All records of a SOQL query, every page.
  Result<std::vector<Record>> query_all_pages(const std::string& soql, const FieldNamesPtr& names,
                                              const SalesforceFieldTypes& types);
  Result<std::vector<WriteResult>> write_chunk(const WriteRequest& request, WriteOp op,
                                               std::span<const size_t> indices);
  // One Bulk API 2.0 ingest job for the items `indices`, all of kind `op`.
  Result<std::vector<WriteResult>> bulk_write(const WriteRequest& request, WriteOp op,
                                              std::span<const size_t> indices);

 public:
  // A reader over a Bulk API 2.0 query job for `soql` (the REST reader
  // switches to it when the first page's totalSize is at the threshold).
  Result<std::unique_ptr<RecordReader>> bulk_read(const std::string& soql, bool include_deleted,
                                                  const std::string& object, FieldNamesPtr names,
                                                  size_t batch_size);
  int64_t bulk_query_threshold() const { return config_.bulk_query_threshold; }

 private:
  SalesforceConfig config_;
  SalesforceClient client_;
  std::map<std::string, Described, std::less<>> described_;
};

}  // namespace crmsync
