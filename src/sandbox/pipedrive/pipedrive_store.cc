#include "sandbox/pipedrive/pipedrive_store.h"

#include <algorithm>

#include "sandbox/common/json_object.h"

namespace crmsync::sandbox::pipedrive {

namespace {
constexpr uint64_t kKeySeed = 0x5eed0001;

struct StandardField {
  const char* key;
  const char* name;
  const char* type;
};

std::vector<StandardField> standard_fields(Entity entity) {
  switch (entity) {
    case Entity::person:
      return {{"name", "Name", "varchar"},           {"email", "Email", "varchar"},
              {"phone", "Phone", "phone"},           {"org_id", "Organization", "org"},
              {"owner_id", "Owner", "user"},         {"add_time", "Person created", "date"},
              {"update_time", "Update time", "date"}};
    case Entity::organization:
      return {{"name", "Name", "varchar"},
              {"owner_id", "Owner", "user"},
              {"address", "Address", "address"},
              {"add_time", "Organization created", "date"},
              {"update_time", "Update time", "date"}};
    case Entity::deal:
      return {{"title", "Title", "varchar"},
              {"value", "Value", "monetary"},
              {"currency", "Currency", "varchar"},
              {"status", "Status", "status"},
              {"stage_id", "Stage", "stage"},
              {"pipeline_id", "Pipeline", "double"},
              {"person_id", "Contact person", "people"},
              {"org_id", "Organization", "org"},
              {"owner_id", "Owner", "user"},
              {"expected_close_date", "Expected close date", "date"},
              {"add_time", "Deal created", "date"},
              {"update_time", "Update time", "date"}};
    case Entity::note:
      return {{"content", "Content", "text"}};
    case Entity::activity:
      return {{"subject", "Subject", "varchar"},
              {"type", "Type", "enum"},
              {"due_date", "Due date", "date"},
              {"due_time", "Due time", "time"},
              {"duration", "Duration", "time"},
              {"done", "Done", "status"},
              {"busy", "Free/busy", "enum"},
              {"note", "Note", "text"},
              {"location", "Location", "address"},
              {"deal_id", "Deal", "deal"},
              {"person_id", "Contact person", "people"},
              {"org_id", "Organization", "org"},
              {"owner_id", "Assigned to user", "user"},
              {"add_time", "Add time", "date"},
              {"update_time", "Update time", "date"}};
    case Entity::product:
      return {{"name", "Name", "varchar"},
              {"code", "Product code", "varchar"},
              {"description", "Description", "text"},
              {"unit", "Unit", "varchar"},
              {"tax", "Tax", "double"},
              {"category", "Category", "enum"},
              {"prices", "Unit prices", "price_list"},
              {"is_linkable", "Linkable", "boolean"},
              {"owner_id", "Owner", "user"},
              {"visible_to", "Visible to", "visible_to"},
              {"add_time", "Add time", "date"},
              {"update_time", "Update time", "date"}};
  }
  return {};
}
}  // namespace

std::string_view entity_name(Entity entity) {
  switch (entity) {
    case Entity::person:
      return "person";
    case Entity::organization:
      return "organization";
    case Entity::deal:
      return "deal";
    case Entity::note:
      return "note";
    case Entity::activity:
      return "activity";
    case Entity::product:
      return "product";
  }
  return "";
}

PipedriveStore::PipedriveStore(Clock clock, std::vector<PipelineSeed> pipelines)
    : clock_(std::move(clock)), pipeline_seeds_(std::move(pipelines)), key_rng_(kKeySeed) {
  reset_locked();
}

void PipedriveStore::reset() {
  std::lock_guard lock(mu_);
  reset_locked();
}

void PipedriveStore::reset_locked() {
  for (auto& t : tables_) t.clear();
  std::fill(std::begin(next_id_), std::end(next_id_), 1);
  key_rng_.seed(kKeySeed);
  next_field_id_ = 9000;
  next_option_id_ = 100;
  fields_.clear();
  int64_t now = clock_();
  for (int i = 0; i < kEntityCount; ++i) {
    auto e = static_cast<Entity>(i);
    int64_t id = 1;
    for (const auto& f : standard_fields(e)) {
      FieldDef def;
      def.id = id++;
      def.key = f.key;
      def.name = f.name;
      def.field_type = f.type;
      def.custom = false;
      def.add_time = def.update_time = now;
      fields_[static_cast<int>(e)].push_back(def);
    }
  }
  pipelines_ = {{1, "Sales pipeline", 1, false}};
  stages_ = {{1, 1, "Qualified", 1, 10, 0},
             {2, 1, "Contact Made", 2, 20, 0},
             {3, 1, "Demo Scheduled", 3, 40, 0},
             {4, 1, "Proposal Made", 4, 60, 0},
             {5, 1, "Negotiations Started", 5, 80, 0}};
  next_pipeline_id_ = 2;
  next_stage_id_ = 6;
  for (const PipelineSeed& seed : pipeline_seeds_) {
    Pipeline p{next_pipeline_id_++, seed.name, static_cast<int>(pipelines_.size()) + 1, false};
    pipelines_.push_back(p);
    for (const std::string& stage : seed.stages) add_stage_locked(p.id, stage);
  }
}

Stage& PipedriveStore::add_stage_locked(int64_t pipeline_id, std::string name) {
  int order = 1;
  for (const Stage& s : stages_)
    if (s.pipeline_id == pipeline_id) order = std::max(order, s.order_nr + 1);
  stages_.push_back({next_stage_id_++, pipeline_id, std::move(name), order, 100, 0});
  return stages_.back();
}

std::string PipedriveStore::new_field_key() {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string key;
  for (int i = 0; i < 40; ++i) key.push_back(kHex[key_rng_() & 15]);
  return key;
}

StoredRecord PipedriveStore::create(Entity entity, Object data, Object custom) {
  StoredRecord record;
  {
    std::lock_guard lock(mu_);
    record.id = next_id_[static_cast<int>(entity)]++;
    record.data = std::move(data);
    record.custom = std::move(custom);
    record.add_time = record.update_time = clock_();
    table(entity)[record.id] = record;
  }
  notify(entity, ChangeAction::create, nullptr, record);
  return record;
}

std::optional<StoredRecord> PipedriveStore::update(Entity entity, int64_t id, const Object& data,
                                                   const Object& custom) {
  StoredRecord before, after;
  {
    std::lock_guard lock(mu_);
    auto it = table(entity).find(id);
    if (it == table(entity).end() || it->second.is_deleted) return std::nullopt;
    before = it->second;
    for (const auto& m : data) put(it->second.data, m.key, m.value);
    for (const auto& m : custom) put(it->second.custom, m.key, m.value);
    it->second.update_time = clock_();
    after = it->second;
  }
  notify(entity, ChangeAction::change, &before, after);
  return after;
}

std::optional<StoredRecord> PipedriveStore::mark_deleted(Entity entity, int64_t id) {
  StoredRecord before, after;
  {
    std::lock_guard lock(mu_);
    auto it = table(entity).find(id);
    if (it == table(entity).end() || it->second.is_deleted) return std::nullopt;
    before = it->second;
    it->second.is_deleted = true;
    it->second.update_time = clock_();
    after = it->second;
  }
  notify(entity, ChangeAction::remove, &before, after);
  return after;
}

std::optional<StoredRecord> PipedriveStore::get(Entity entity, int64_t id) const {
  std::lock_guard lock(mu_);
  const auto& t = tables_[static_cast<int>(entity)];
  auto it = t.find(id);
  if (it == t.end()) return std::nullopt;
  return it->second;
}

std::vector<StoredRecord> PipedriveStore::list(Entity entity,
                                               const std::function<bool(const StoredRecord&)>& keep,
                                               Window window) const {
  std::lock_guard lock(mu_);
  std::vector<StoredRecord> out;
  const auto& t = tables_[static_cast<int>(entity)];
  auto take = [&](const StoredRecord& r) {
    if (keep(r)) out.push_back(r);
    return out.size() < window.max;
  };
  if (!window.descending) {
    for (auto it = t.upper_bound(window.after_id); it != t.end(); ++it)
      if (!take(it->second)) break;
  } else {
    auto end = window.after_id > 0 ? t.lower_bound(window.after_id) : t.end();
    for (auto it = std::make_reverse_iterator(end); it != t.rend(); ++it)
      if (!take(it->second)) break;
  }
  return out;
}

std::vector<FieldDef> PipedriveStore::fields(Entity entity) const {
  std::lock_guard lock(mu_);
  auto it = fields_.find(static_cast<int>(entity));
  return it == fields_.end() ? std::vector<FieldDef>{} : it->second;
}

std::optional<FieldDef> PipedriveStore::field_by_key(Entity entity, const std::string& key) const {
  for (auto& f : fields(entity))
    if (f.key == key) return f;
  return std::nullopt;
}

std::optional<FieldDef> PipedriveStore::field_by_id(Entity entity, int64_t id) const {
  for (auto& f : fields(entity))
    if (f.id == id) return f;
  return std::nullopt;
}

FieldDef PipedriveStore::add_field(Entity entity, std::string name, std::string field_type,
                                   const std::vector<std::string>& option_labels) {
  std::lock_guard lock(mu_);
  FieldDef def;
  def.id = next_field_id_++;
  def.key = new_field_key();
  def.name = std::move(name);
  def.field_type = std::move(field_type);
  for (const auto& label : option_labels) def.options.push_back({next_option_id_++, label});
  def.add_time = def.update_time = clock_();
  fields_[static_cast<int>(entity)].push_back(def);
  return def;
}

std::optional<FieldDef> PipedriveStore::update_field(
    Entity entity, const std::string& key, const std::optional<std::string>& name,
    const std::vector<std::string>& new_option_labels) {
  std::lock_guard lock(mu_);
  for (auto& f : fields_[static_cast<int>(entity)]) {
    if (f.key != key || !f.custom) continue;
    if (name) f.name = *name;
    for (const auto& label : new_option_labels) {
      bool known = std::any_of(f.options.begin(), f.options.end(),
                               [&](const FieldOption& o) { return o.label == label; });
      if (!known) f.options.push_back({next_option_id_++, label});
    }
    f.update_time = clock_();
    return f;
  }
  return std::nullopt;
}

bool PipedriveStore::delete_field(Entity entity, const std::string& key) {
  std::lock_guard lock(mu_);
  auto& list = fields_[static_cast<int>(entity)];
  auto it = std::find_if(list.begin(), list.end(),
                         [&](const FieldDef& f) { return f.key == key && f.custom; });
  if (it == list.end()) return false;
  list.erase(it);
  return true;
}

std::vector<Pipeline> PipedriveStore::pipelines() const {
  std::lock_guard lock(mu_);
  return pipelines_;
}

std::vector<Stage> PipedriveStore::stages() const {
  std::lock_guard lock(mu_);
  return stages_;
}

std::optional<Stage> PipedriveStore::stage(int64_t id) const {
  std::lock_guard lock(mu_);
  for (const auto& s : stages_)
    if (s.id == id) return s;
  return std::nullopt;
}

std::optional<Pipeline> PipedriveStore::pipeline(int64_t id) const {
  std::lock_guard lock(mu_);
  for (const auto& p : pipelines_)
    if (p.id == id) return p;
  return std::nullopt;
}

namespace {
void apply(Pipeline& p, const PipelineChange& c) {
  if (c.name) p.name = *c.name;
  if (c.order_nr) p.order_nr = *c.order_nr;
  if (c.deal_probability_enabled) p.deal_probability_enabled = *c.deal_probability_enabled;
}
void apply(Stage& s, const StageChange& c) {
  if (c.name) s.name = *c.name;
  if (c.pipeline_id) s.pipeline_id = *c.pipeline_id;
  if (c.order_nr) s.order_nr = *c.order_nr;
  if (c.deal_probability) s.deal_probability = *c.deal_probability;
  if (c.days_to_rotten) s.days_to_rotten = *c.days_to_rotten;
}
}  // namespace

Pipeline PipedriveStore::add_pipeline(const PipelineChange& change) {
  std::lock_guard lock(mu_);
  Pipeline p{next_pipeline_id_++, "", static_cast<int>(pipelines_.size()) + 1, false};
  apply(p, change);
  pipelines_.push_back(p);
  return p;
}

std::optional<Pipeline> PipedriveStore::update_pipeline(int64_t id, const PipelineChange& change) {
  std::lock_guard lock(mu_);
  for (auto& p : pipelines_) {
    if (p.id != id) continue;
    apply(p, change);
    return p;
  }
  return std::nullopt;
}

bool PipedriveStore::delete_pipeline(int64_t id) {
  std::lock_guard lock(mu_);
  auto it = std::find_if(pipelines_.begin(), pipelines_.end(),
                         [&](const Pipeline& p) { return p.id == id; });
  if (it == pipelines_.end()) return false;
  pipelines_.erase(it);
  std::erase_if(stages_, [&](const Stage& s) { return s.pipeline_id == id; });
  return true;
}

std::optional<Stage> PipedriveStore::add_stage(const StageChange& change) {
  std::lock_guard lock(mu_);
  if (!change.pipeline_id) return std::nullopt;
  bool known = std::any_of(pipelines_.begin(), pipelines_.end(),
                           [&](const Pipeline& p) { return p.id == *change.pipeline_id; });
  if (!known) return std::nullopt;
  Stage& s = add_stage_locked(*change.pipeline_id, change.name.value_or(""));
  apply(s, change);
  return s;
}

std::optional<Stage> PipedriveStore::update_stage(int64_t id, const StageChange& change) {
  std::lock_guard lock(mu_);
  if (change.pipeline_id &&
      std::none_of(pipelines_.begin(), pipelines_.end(),
                   [&](const Pipeline& p) { return p.id == *change.pipeline_id; }))
    return std::nullopt;
  for (auto& s : stages_) {
    if (s.id != id) continue;
    apply(s, change);
    return s;
  }
  return std::nullopt;
}

bool PipedriveStore::delete_stage(int64_t id) {
  std::lock_guard lock(mu_);
  return std::erase_if(stages_, [&](const Stage& s) { return s.id == id; }) > 0;
}

}  // namespace crmsync::sandbox::pipedrive
