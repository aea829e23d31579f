#pragma once

#include <string>

#include "connectors/connector.h"
#include "connectors/rest/rest_client.h"
#include "connectors/rest/rest_config.h"

namespace crmsync {

// A JSON REST API whose objects are declared in the config (rest_config.h).
// Reads page through the list endpoint one page at a time (flat memory);
// incremental reads send changed_since_param and filter by the cursor
// in-process (records are not assumed ordered). Writes are one call per
// record with a result per record: a 4xx rejects that record and the batch
// goes on; a failure of the API itself (retryable, auth) is given to the
// records not yet sent, so nothing is sent twice by a whole-batch retry.
class RestConnection final : public Connection {
 public:
  RestConnection(RestConfig config, Clock& clock, net::SessionLog log = {},
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

  // A call through the client, counted as an API call.
  Result<RestClient::Answer> call(const std::string& method, const std::string& url,
                                  const std::string& body = "");
  Result<const RestObject*> object(std::string_view name) const;
  // A record of `obj` from its JSON (an object): fields are its top-level
  // keys (nested arrays and objects stay values), the id from `id_field`
  // when given, else obj.id_pointer; the change-time field read as a
  // timestamp. An error (rejected) when it is not an object or has no id.
  Result<Record> to_record(const Value& json, const RestObject& obj, std::string_view id_field,
                           FieldNamesPtr& names) const;
  const RestClient& client() const { return client_; }
  const RestConfig& config() const { return config_; }

 private:
  WriteResult write_one(const WriteItem& item, const RestObject& obj, const WriteRequest& req);

  RestConfig config_;
  RestClient client_;
};

// `path` with {id} replaced by the percent-encoded id.
std::string rest_path_for(const std::string& path, std::string_view id);

}  // namespace crmsync
