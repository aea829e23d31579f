#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "connectors/pipedrive/pipedrive_client.h"
#include "core/result.h"

namespace crmsync {

struct PipedrivePipeline {
  int64_t id = 0;
  std::string name;
};

struct PipedriveStage {
  int64_t id = 0;
  int64_t pipeline_id = 0;
  std::string name;
};

// The company's pipelines and stages, read once per run from
// /api/v2/pipelines and /api/v2/stages, so that deals can name them: a
// mapping that writes `stage_id: "Funded"` sends the id of the stage called
// "Funded". Stage names repeat across pipelines, so a stage is looked up in
// the deal's pipeline when the record names one.
class PipedriveStageCatalog {
 public:
  // One call through the connection (paced and counted): a v2 path, its
  // answer.
  using Fetch = std::function<Result<PipedriveClient::Answer>(const std::string& path)>;
  static Result<PipedriveStageCatalog> load(const Fetch& fetch);

  // An id (an integer or a string of digits) as it is; a name as the id of
  // the pipeline of that name. Rejected error listing the pipelines when no
  // pipeline has that name.
  Result<int64_t> pipeline_id(const Value& value) const;
  // An id as it is; a name as the id of the stage of that name, in
  // `pipeline` when given. Rejected error when no stage has the name (with
  // the names that exist) or when several pipelines have it and no pipeline
  // was given (naming them).
  Result<int64_t> stage_id(const Value& value, std::optional<int64_t> pipeline) const;

  const std::vector<PipedrivePipeline>& pipelines() const { return pipelines_; }
  const std::vector<PipedriveStage>& stages() const { return stages_; }
  // "Sales pipeline: Qualified, Contact Made; Loans: Application", or the
  // stages of one pipeline, for messages.
  std::string describe_stages(std::optional<int64_t> pipeline) const;
  std::string pipeline_name(int64_t id) const;

 private:
  std::vector<PipedrivePipeline> pipelines_;
  std::vector<PipedriveStage> stages_;
};

// Whether a deal's stage_id / pipeline_id value is an id (an integer, or a
// string of digits) rather than a name.
std::optional<int64_t> pipedrive_id_value(const Value& value);

}  // namespace crmsync
