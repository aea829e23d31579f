#include <algorithm>
#include <iterator>

#include "sandbox/salesforce/field_values.h"
#include "sandbox/salesforce/ids.h"
#include "sandbox/salesforce/store.h"

namespace crmsync::sandbox::salesforce {
namespace {

using Outcome = std::variant<std::monostate, SfError>;

constexpr int64_t kMilli = 1000;

int field_of(const ObjectDef& def, const char* name) {
  return def.field_index(name);
}

SfError not_found() {
  return sf_error(404, "NOT_FOUND", "The requested resource does not exist");
}

// The formula fields (Contact.Name = FirstName LastName) after a write.
void compute_formulas(const ObjectDef& def, Record& rec) {
  for (size_t i = 0; i < def.fields.size(); ++i) {
    const FieldDef& f = def.fields[i];
    if (f.formula.empty()) continue;
    std::string text;
    for (const std::string& part : f.formula) {
      int p = def.field_index(part);
      if (p < 0 || rec.value(static_cast<size_t>(p)).is_null()) continue;
      if (!text.empty()) text += ' ';
      text += rec.value(static_cast<size_t>(p)).as_string();
    }
    rec.value(i) = text.empty() ? Value() : Value(text);
  }
}

}  // namespace

Store::Txn::Txn(Store& store, WriteContext ctx, Txn* outer, bool is_outer)
    : store_(store), ctx_(std::move(ctx)), outer_(outer), is_outer_(is_outer) {
  if (!outer_) lock_ = std::unique_lock(store.mutex_);
  // Millisecond stamps that never go back, as Salesforce writes them.
  int64_t now = store_.clock_() / kMilli * kMilli;
  stamp_ = std::max(now, store_.last_stamp_);
  store_.last_stamp_ = stamp_;
  uint64_t n = store_.next_txn_++;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%08llx-sb-%012llx", static_cast<unsigned long long>(n),
                static_cast<unsigned long long>(stamp_));
  txn_key_ = buf;
}

Store::Txn::~Txn() {
  if (!done_) rollback();
}

Outcome Store::Txn::apply(const ObjectDef& def, Record& rec, const Object& body, bool creating,
                          std::vector<std::string>& changed) {
  for (const Member& m : body) {
    if (m.key == "attributes") continue;
    int idx = def.field_index(m.key);
    if (idx < 0) {
      return sf_error(400, "INVALID_FIELD",
                      "No such column '" + m.key + "' on sobject of type " + def.name);
    }
    const FieldDef& f = def.fields[static_cast<size_t>(idx)];
    if (creating ? !f.createable : !f.updateable) {
      return sf_error(400, "INVALID_FIELD_FOR_INSERT_UPDATE",
                      "Unable to create/update fields: " + f.name +
                          ". Please check the security settings of this field and verify that it "
                          "is read/write for your profile or permission set.",
                      {f.name});
    }
    auto stored = to_stored(f, m.value);
    if (auto* err = std::get_if<SfError>(&stored)) return *err;
    Value& v = std::get<Value>(stored);
    if (f.type == FieldType::reference && !v.is_null()) {
      bool exists = false;
      for (const std::string& target : f.reference_to) {
        const ObjectDef* t = store_.schema_->find(target);
        const Record* parent = t ? store_.find(*t, v.as_string()) : nullptr;
        exists =
            exists ||
            (parent && !parent->value(static_cast<size_t>(field_of(*t, "IsDeleted"))).as_bool());
      }
      if (!exists) {
        return sf_error(400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", {f.name});
      }
    }
    if (!(rec.value(static_cast<size_t>(idx)) == v) ||
        rec.value(static_cast<size_t>(idx)).is_null() != v.is_null()) {
      changed.push_back(f.name);
      rec.value(static_cast<size_t>(idx)) = std::move(v);
    }
  }
  compute_formulas(def, rec);
  return std::monostate{};
}

Outcome Store::Txn::check_row(const ObjectDef& def, const Record& rec, size_t self_row) {
  std::vector<std::string> missing;
  for (size_t i = 0; i < def.fields.size(); ++i) {
    if (def.fields[i].required && rec.value(i).is_null()) missing.push_back(def.fields[i].name);
  }
  if (!missing.empty()) {
    std::string list;
    for (const std::string& m : missing) list += (list.empty() ? "" : ", ") + m;
    return sf_error(400, "REQUIRED_FIELD_MISSING", "Required fields are missing: [" + list + "]",
                    missing);
  }
  for (size_t i = 0; i < def.fields.size(); ++i) {
    const Value& v = rec.value(i);
    if (!def.fields[i].unique || v.is_null()) continue;
    for (size_t other : store_.find_by_key(def, static_cast<int>(i), v.to_text())) {
      if (other == self_row) continue;
      return sf_error(
          400, "DUPLICATE_VALUE",
          "duplicate value found: " + def.fields[i].name +
              " duplicates value on record with id: " + store_.table(def).rows[other].id());
    }
  }
  return std::monostate{};
}

void Store::Txn::record_event(ChangeEvent::Type type, const ObjectDef& def, const Record& rec,
                              std::vector<std::string> changed) {
  ChangeEvent e;
  e.type = type;
  e.object = def.name;
  e.record_id = rec.id();
  e.commit_micros = stamp_;
  e.user_id = ctx_.user_id;
  e.origin = ctx_.origin;
  e.transaction_key = txn_key_;
  if (type == ChangeEvent::Type::create) {
    for (size_t i = 0; i < def.fields.size(); ++i) {
      const std::string& n = def.fields[i].name;
      if (n == "Id" || n == "IsDeleted" || n == "SystemModstamp" || rec.value(i).is_null())
        continue;
      e.values.push_back({n, rec.value(i)});
    }
  } else if (type == ChangeEvent::Type::update) {
    changed.push_back("LastModifiedDate");
    for (const std::string& n : changed) {
      e.values.push_back({n, rec.value(static_cast<size_t>(def.field_index(n)))});
    }
    e.changed_fields = std::move(changed);
  }
  events_.push_back(std::move(e));
}

std::variant<std::string, SfError> Store::Txn::create(const ObjectDef& def, const Object& body) {
  Table& t = store_.mutable_table(def);
  Record rec(def.names);
  for (size_t i = 0; i < def.fields.size(); ++i) rec.value(i) = def.fields[i].default_value;
  rec.value(static_cast<size_t>(field_of(def, "IsDeleted"))) = false;
  if (int owner = field_of(def, "OwnerId"); owner >= 0)
    rec.value(static_cast<size_t>(owner)) = ctx_.user_id;
  std::vector<std::string> changed;
  for (const Member& m : body) {
    if (iequals(m.key, "Id")) {
      return sf_error(
          400, "INVALID_FIELD_FOR_INSERT_UPDATE",
          "Unable to create/update fields: Id. Please check the security settings of "
          "this field and verify that it is read/write for your profile or permission set.",
          {"Id"});
    }
  }
  Outcome o = apply(def, rec, body, true, changed);
  if (auto* err = std::get_if<SfError>(&o)) return *err;
  o = check_row(def, rec, static_cast<size_t>(-1));
  if (auto* err = std::get_if<SfError>(&o)) return *err;
  std::string id = make_id(def.key_prefix, t.next_seq++);
  rec.set_id(id);
  rec.value(static_cast<size_t>(field_of(def, "Id"))) = id;
  DateTime now{stamp_, 0};
  for (const char* f : {"CreatedDate", "LastModifiedDate", "SystemModstamp"}) {
    rec.value(static_cast<size_t>(field_of(def, f))) = now;
  }
  for (const char* f : {"CreatedById", "LastModifiedById"}) {
    rec.value(static_cast<size_t>(field_of(def, f))) =
        ctx_.user_id.empty() ? Value() : Value(ctx_.user_id);
  }
  size_t row = t.rows.size();
  t.rows.push_back(std::move(rec));
  t.deleted_micros.push_back(0);
  t.by_id.emplace(id, row);
  store_.index_keys(t, row, true);
  undo_.push_back(Undo{&def, row, true, Record(), 0});
  record_event(ChangeEvent::Type::create, def, t.rows[row], {});
  return id;
}

std::variant<size_t, SfError> Store::Txn::live_row(const ObjectDef& def, std::string_view id) {
  auto id18 = normalize_id(id);
  if (!id18 || store_.schema_->by_id(*id18) != &def) {
    return sf_error(400, "MALFORMED_ID", "malformed id " + std::string(id));
  }
  const Table& t = store_.table(def);
  auto it = t.by_id.find(*id18);
  if (it == t.by_id.end()) return not_found();
  if (t.deleted_micros[it->second] != 0) {
    return sf_error(404, "ENTITY_IS_DELETED", "entity is deleted");
  }
  return it->second;
}

Outcome Store::Txn::update(const ObjectDef& def, std::string_view id, const Object& body) {
  auto found = live_row(def, id);
  if (auto* err = std::get_if<SfError>(&found)) return *err;
  size_t row = std::get<size_t>(found);
  Table& t = store_.mutable_table(def);
  Record rec = t.rows[row];
  std::vector<std::string> changed;
  Outcome o = apply(def, rec, body, false, changed);
  if (auto* err = std::get_if<SfError>(&o)) return *err;
  o = check_row(def, rec, row);
  if (auto* err = std::get_if<SfError>(&o)) return *err;
  DateTime now{stamp_, 0};
  rec.value(static_cast<size_t>(field_of(def, "LastModifiedDate"))) = now;
  rec.value(static_cast<size_t>(field_of(def, "SystemModstamp"))) = now;
  rec.value(static_cast<size_t>(field_of(def, "LastModifiedById"))) =
      ctx_.user_id.empty() ? Value() : Value(ctx_.user_id);
  store_.index_keys(t, row, false);
  undo_.push_back(Undo{&def, row, false, std::move(t.rows[row]), 0});
  t.rows[row] = std::move(rec);
  store_.index_keys(t, row, true);
  record_event(ChangeEvent::Type::update, def, t.rows[row], std::move(changed));
  return std::monostate{};
}

Outcome Store::Txn::remove(const ObjectDef& def, std::string_view id) {
  auto found = live_row(def, id);
  if (auto* err = std::get_if<SfError>(&found)) return *err;
  size_t row = std::get<size_t>(found);
  Table& t = store_.mutable_table(def);
  store_.index_keys(t, row, false);
  undo_.push_back(Undo{&def, row, false, t.rows[row], 0});
  Record& rec = t.rows[row];
  rec.value(static_cast<size_t>(field_of(def, "IsDeleted"))) = true;
  rec.value(static_cast<size_t>(field_of(def, "SystemModstamp"))) = DateTime{stamp_, 0};
  t.deleted_micros[row] = stamp_;
  record_event(ChangeEvent::Type::remove, def, rec, {});
  return std::monostate{};
}

std::variant<Store::Txn::Upserted, SfError> Store::Txn::upsert(const ObjectDef& def,
                                                               std::string_view field,
                                                               std::string_view value,
                                                               const Object& body) {
  int idx = def.field_index(field);
  bool by_id = idx >= 0 && def.fields[static_cast<size_t>(idx)].type == FieldType::id;
  if (idx < 0 || (!by_id && !def.fields[static_cast<size_t>(idx)].external_id)) {
    return sf_error(
        404, "NOT_FOUND",
        "Provided external ID field does not exist or is not accessible: " + std::string(field));
  }
  std::vector<size_t> rows;
  if (by_id) {
    auto id18 = normalize_id(value);
    const Table& t = store_.table(def);
    auto it = id18 ? t.by_id.find(*id18) : t.by_id.end();
    if (it != t.by_id.end() && t.deleted_micros[it->second] == 0) rows.push_back(it->second);
    if (rows.empty() && !value.empty()) return not_found();
  } else {
    rows = store_.find_by_key(def, idx, value);
  }
  if (rows.size() > 1) {
    std::string ids;
    for (size_t r : rows) ids += (ids.empty() ? "" : ",") + store_.table(def).rows[r].id();
    return sf_error(300, "MULTIPLE_CHOICES", ids);
  }
  if (rows.size() == 1) {
    std::string id = store_.table(def).rows[rows[0]].id();
    Outcome o = update(def, id, body);
    if (auto* err = std::get_if<SfError>(&o)) return *err;
    return Upserted{id, false};
  }
  Object with_key = body;
  if (!by_id) {
    std::erase_if(with_key, [&](const Member& m) { return iequals(m.key, field); });
    with_key.push_back({def.fields[static_cast<size_t>(idx)].name, Value(std::string(value))});
  }
  auto created = create(def, with_key);
  if (auto* err = std::get_if<SfError>(&created)) return *err;
  return Upserted{std::get<std::string>(created), true};
}

void Store::Txn::commit() {
  if (outer_) {
    std::move(undo_.begin(), undo_.end(), std::back_inserter(outer_->undo_));
    std::move(events_.begin(), events_.end(), std::back_inserter(outer_->events_));
    undo_.clear();
    events_.clear();
    done_ = true;
    return;
  }
  if (is_outer_) end_outer();
  for (const ChangeEvent& e : events_) {
    for (auto& listener : store_.listeners_) listener(e);
  }
  events_.clear();
  undo_.clear();
  done_ = true;
  lock_.unlock();
}

void Store::Txn::rollback() {
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
    Table& t = store_.mutable_table(*it->def);
    if (t.deleted_micros[it->row] == 0) store_.index_keys(t, it->row, false);
    if (it->created) {
      t.by_id.erase(t.rows[it->row].id());
      t.rows.pop_back();
      t.deleted_micros.pop_back();
      continue;
    }
    t.rows[it->row] = std::move(it->before);
    t.deleted_micros[it->row] = it->before_deleted;
    if (t.deleted_micros[it->row] == 0) store_.index_keys(t, it->row, true);
  }
  undo_.clear();
  events_.clear();
  done_ = true;
  if (is_outer_) end_outer();
  if (lock_.owns_lock()) lock_.unlock();
}

}  // namespace crmsync::sandbox::salesforce
