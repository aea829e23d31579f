#pragma once

#include <functional>

#include "connectors/connector.h"
#include "connectors/file/file_config.h"

namespace crmsync {

// CSV and JSON Lines files as objects: the reference connector (STYLE.md
// rule 4). Reads stream; writes append, or rewrite the file atomically when
// records change or go.
class FileConnection final : public Connection {
 public:
  explicit FileConnection(FileConfig config) : config_(std::move(config)) {}

  Capabilities capabilities(std::string_view object) const override;
  Status check() override;
  Result<ObjectSchema> describe(std::string_view object) override;
  Result<std::vector<std::string>> list_objects() override;
  Result<std::unique_ptr<RecordReader>> read(const ReadRequest& request) override;
  Result<std::vector<Record>> read_by_ids(std::string_view object, std::string_view id_field,
                                          std::span<const std::string> ids) override;
  Result<std::vector<Record>> search(std::string_view object, std::string_view id_field,
                                     std::string_view field,
                                     std::span<const Value> values) override;
  Result<std::vector<WriteResult>> write(const WriteRequest& request) override;

 private:
  // Every record of the object passing `keep`, ids set from `id_field`.
  Result<std::vector<Record>> scan(std::string_view object, std::string_view id_field,
                                   const std::function<bool(const Record&)>& keep);

  // The object's rows, decoded with the connection's encoding; messages
  // name the file by its object name.
  Result<std::unique_ptr<FileRowReader>> open_rows(const std::string& object);

  FileConfig config_;
};

}  // namespace crmsync
