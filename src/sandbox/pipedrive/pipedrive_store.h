#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/result.h"
#include "core/value.h"
#include "sandbox/pipedrive/pipedrive_pipeline_seed.h"

namespace crmsync::sandbox::pipedrive {

enum class Entity { person, organization, deal, note, activity, product };
inline constexpr int kEntityCount = 6;

// "person", "organization", "deal", "note", "activity", "product".
std::string_view entity_name(Entity entity);

struct FieldOption {
  int64_t id = 0;
  std::string label;
};

// A field definition as both API versions describe it (v1 `key` is v2
// `field_code`). Custom fields have 40-hex keys.
struct FieldDef {
  int64_t id = 0;
  std::string key;
  std::string name;
  std::string field_type;  // varchar, text, double, monetary, enum, set, date, ...
  std::vector<FieldOption> options;
  bool custom = true;
  int64_t add_time = 0;
  int64_t update_time = 0;
};

// One record: its standard fields in the v2 shape (ids plain, emails and
// phones as arrays) and its custom field values keyed by field key, also in
// the v2 shape. Serializers render either API version from this.
struct StoredRecord {
  int64_t id = 0;
  Object data;
  Object custom;
  bool is_deleted = false;
  int64_t add_time = 0;
  int64_t update_time = 0;
};

enum class ChangeAction { create, change, remove };

struct Stage {
  int64_t id = 0;
  int64_t pipeline_id = 0;
  std::string name;
  int order_nr = 0;
  int deal_probability = 100;
  int64_t days_to_rotten = 0;  // 0: deals never rot in this stage
};

struct Pipeline {
  int64_t id = 0;
  std::string name;
  int order_nr = 0;
  bool deal_probability_enabled = false;
};

// What a pipeline/stage write may change; unset members stay as they are.
struct PipelineChange {
  std::optional<std::string> name;
  std::optional<int> order_nr;
  std::optional<bool> deal_probability_enabled;
};
struct StageChange {
  std::optional<std::string> name;
  std::optional<int64_t> pipeline_id;
  std::optional<int> order_nr;
  std::optional<int> deal_probability;
  std::optional<int64_t> days_to_rotten;
};

// The sandbox's whole state, in memory. Every method locks one mutex, so
// calls from the server's worker threads are serialized; records are
// returned by value (copies) for rendering outside the lock.
class PipedriveStore {
 public:
  using Clock = std::function<int64_t()>;  // epoch seconds
  // `pipelines` are added after the default one, at construction and on
  // every reset.
  explicit PipedriveStore(Clock clock, std::vector<PipelineSeed> pipelines = {});

  // Back to the initial state: no records, the standard fields, the default
  // pipeline and the seeded ones, ids from 1.
  void reset();

  StoredRecord create(Entity entity, Object data, Object custom);
  // Merges `data` and `custom` into the record; nullopt when it does not
  // exist or is deleted.
  std::optional<StoredRecord> update(Entity entity, int64_t id, const Object& data,
                                     const Object& custom);
  std::optional<StoredRecord> mark_deleted(Entity entity, int64_t id);
  std::optional<StoredRecord> get(Entity entity, int64_t id) const;
  // Which part of a table list() walks: ids after `after_id` (before it when
  // descending; 0 = from the start), at most `max` records.
  struct Window {
    int64_t after_id = 0;
    size_t max = SIZE_MAX;
    bool descending = false;
  };
  // Records in id order that satisfy `keep`, deleted ones included (callers
  // filter: v2 deals can list them). Stops after `window.max` matches, so a
  // page costs its size, not the table's.
  std::vector<StoredRecord> list(Entity entity,
                                 const std::function<bool(const StoredRecord&)>& keep,
                                 Window window) const;
  std::vector<StoredRecord> list(Entity entity,
                                 const std::function<bool(const StoredRecord&)>& keep) const {
    return list(entity, keep, Window{});
  }

  std::vector<FieldDef> fields(Entity entity) const;
  std::optional<FieldDef> field_by_key(Entity entity, const std::string& key) const;
  std::optional<FieldDef> field_by_id(Entity entity, int64_t id) const;
  FieldDef add_field(Entity entity, std::string name, std::string field_type,
                     const std::vector<std::string>& option_labels);
  // Renames and/or appends options (labels not present yet); nullopt when
  // the field is unknown or not custom.
  std::optional<FieldDef> update_field(Entity entity, const std::string& key,
                                       const std::optional<std::string>& name,
                                       const std::vector<std::string>& new_option_labels);
  bool delete_field(Entity entity, const std::string& key);

  std::vector<Pipeline> pipelines() const;
  std::vector<Stage> stages() const;
  std::optional<Stage> stage(int64_t id) const;
  std::optional<Pipeline> pipeline(int64_t id) const;
  Pipeline add_pipeline(const PipelineChange& change);
  // nullopt when the pipeline does not exist.
  std::optional<Pipeline> update_pipeline(int64_t id, const PipelineChange& change);
  // Removes the pipeline and its stages; false when it does not exist.
  bool delete_pipeline(int64_t id);
  // nullopt when change.pipeline_id names no pipeline (or is unset on add).
  std::optional<Stage> add_stage(const StageChange& change);
  std::optional<Stage> update_stage(int64_t id, const StageChange& change);
  bool delete_stage(int64_t id);

  int64_t now() const { return clock_(); }

  // Called after every create, update and delete of a record (outside the
  // lock, on the thread that made the change), with the record before
  // (none on create) and after. Set before the server starts.
  using ChangeObserver = std::function<void(Entity, ChangeAction, const StoredRecord* before,
                                            const StoredRecord& after)>;
  void set_change_observer(ChangeObserver observer) { observer_ = std::move(observer); }

 private:
  void reset_locked();
  Stage& add_stage_locked(int64_t pipeline_id, std::string name);
  std::string new_field_key();
  std::map<int64_t, StoredRecord>& table(Entity entity) {
    return tables_[static_cast<int>(entity)];
  }

  void notify(Entity entity, ChangeAction action, const StoredRecord* before,
              const StoredRecord& after) const {
    if (observer_) observer_(entity, action, before, after);
  }

  Clock clock_;
  ChangeObserver observer_;
  mutable std::mutex mu_;
  std::map<int64_t, StoredRecord> tables_[kEntityCount];
  int64_t next_id_[kEntityCount] = {1, 1, 1, 1, 1, 1};
  std::map<int, std::vector<FieldDef>> fields_;  // by entity
  int64_t next_field_id_ = 9000;
  int64_t next_option_id_ = 100;
  std::vector<PipelineSeed> pipeline_seeds_;
  std::vector<Pipeline> pipelines_;
  std::vector<Stage> stages_;
  int64_t next_pipeline_id_ = 1;
  int64_t next_stage_id_ = 1;
  std::mt19937_64 key_rng_;
};

}  // namespace crmsync::sandbox::pipedrive
