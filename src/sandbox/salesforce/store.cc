#include "sandbox/salesforce/store.h"

namespace crmsync::sandbox::salesforce {

namespace {
std::string key_text(const Value& v) {
  return to_lower(v.is_string() ? v.as_string() : v.to_text());
}
}  // namespace

Store::Store(std::shared_ptr<const Schema> schema, Clock clock)
    : schema_(std::move(schema)), clock_(std::move(clock)) {
  reset();
}

void Store::reset() {
  std::unique_lock lock(mutex_);
  tables_.clear();
  tables_.resize(schema_->objects().size());
  for (size_t i = 0; i < tables_.size(); ++i) {
    const ObjectDef& def = schema_->objects()[i];
    tables_[i].def = &def;
    for (size_t f = 0; f < def.fields.size(); ++f) {
      if (def.fields[f].external_id || def.fields[f].unique) tables_[i].keys[static_cast<int>(f)];
    }
  }
  ++generation_;
}

const Table& Store::table(const ObjectDef& def) const {
  return tables_[static_cast<size_t>(&def - schema_->objects().data())];
}

Table& Store::mutable_table(const ObjectDef& def) {
  return tables_[static_cast<size_t>(&def - schema_->objects().data())];
}

const Record* Store::find(const ObjectDef& def, std::string_view id18) const {
  const Table& t = table(def);
  auto it = t.by_id.find(std::string(id18));
  return it == t.by_id.end() ? nullptr : &t.rows[it->second];
}

int64_t Store::deleted_micros(const ObjectDef& def, std::string_view id18) const {
  const Table& t = table(def);
  auto it = t.by_id.find(std::string(id18));
  return it == t.by_id.end() ? 0 : t.deleted_micros[it->second];
}

std::vector<size_t> Store::find_by_key(const ObjectDef& def, int field,
                                       std::string_view text) const {
  const Table& t = table(def);
  auto k = t.keys.find(field);
  if (k == t.keys.end()) {
    // A field that is not indexed: scan the live rows.
    std::vector<size_t> out;
    for (size_t r = 0; r < t.rows.size(); ++r) {
      const Value& v = t.rows[r].value(static_cast<size_t>(field));
      if (t.deleted_micros[r] == 0 && !v.is_null() && iequals(key_text(v), text)) out.push_back(r);
    }
    return out;
  }
  auto it = k->second.find(to_lower(text));
  return it == k->second.end() ? std::vector<size_t>{} : it->second;
}

void Store::index_keys(Table& t, size_t row, bool add) {
  for (auto& [field, index] : t.keys) {
    const Value& v = t.rows[row].value(static_cast<size_t>(field));
    if (v.is_null()) continue;
    std::string key = key_text(v);
    std::vector<size_t>& rows = index[key];
    if (add) {
      rows.push_back(row);
    } else {
      std::erase(rows, row);
      if (rows.empty()) index.erase(key);
    }
  }
}

namespace {
// The outer transaction this thread holds, per store.
thread_local const Store* t_outer_store = nullptr;
thread_local Store::Txn* t_outer_txn = nullptr;
}  // namespace

std::shared_lock<std::shared_mutex> Store::read_lock() const {
  if (t_outer_store == this) return std::shared_lock<std::shared_mutex>();
  return std::shared_lock(mutex_);
}

std::unique_ptr<Store::Txn> Store::begin(WriteContext ctx) {
  Txn* outer = t_outer_store == this ? t_outer_txn : nullptr;
  return std::make_unique<Txn>(*this, std::move(ctx), outer, false);
}

std::unique_ptr<Store::Txn> Store::begin_outer(WriteContext ctx) {
  auto txn = std::make_unique<Txn>(*this, std::move(ctx), nullptr, true);
  t_outer_store = this;
  t_outer_txn = txn.get();
  return txn;
}

void Store::end_outer() {
  t_outer_store = nullptr;
  t_outer_txn = nullptr;
}

void Store::add_listener(std::function<void(const ChangeEvent&)> listener) {
  std::unique_lock lock(mutex_);
  listeners_.push_back(std::move(listener));
}

}  // namespace crmsync::sandbox::salesforce
