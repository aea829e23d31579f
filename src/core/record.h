#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"

namespace crmsync {

// The field names of a record stream, shared by every record of it so that a
// record carries only its values. Immutable once shared.
class FieldNames {
 public:
  FieldNames() = default;
  explicit FieldNames(std::vector<std::string> names);

  size_t size() const { return names_.size(); }
  const std::string& name(size_t i) const { return names_[i]; }
  const std::vector<std::string>& names() const { return names_; }
  // Index of `name`, or -1.
  int index_of(std::string_view name) const;
  // Indices in byte-wise name order; the canonical order for checksums.
  const std::vector<uint32_t>& sorted_order() const { return sorted_; }

 private:
  std::vector<std::string> names_;
  std::vector<uint32_t> sorted_;
};

using FieldNamesPtr = std::shared_ptr<const FieldNames>;
FieldNamesPtr make_field_names(std::vector<std::string> names);

// One record of one object: its id in the system it came from, whether the
// source reported it deleted, and its fields.
class Record {
 public:
  Record() : names_(empty_names()) {}
  explicit Record(FieldNamesPtr names) : names_(std::move(names)), values_(names_->size()) {}
  Record(FieldNamesPtr names, std::vector<Value> values)
      : names_(std::move(names)), values_(std::move(values)) {}

  const std::string& id() const { return id_; }
  void set_id(std::string id) { id_ = std::move(id); }
  bool deleted() const { return deleted_; }
  void set_deleted(bool d) { deleted_ = d; }

  size_t size() const { return values_.size(); }
  const std::string& name(size_t i) const { return names_->name(i); }
  const Value& value(size_t i) const { return values_[i]; }
  Value& value(size_t i) { return values_[i]; }
  const FieldNamesPtr& names() const { return names_; }

  // nullptr when the record has no such field.
  const Value* get(std::string_view name) const;
  // Sets a field, adding it when absent (the names are copied on first add,
  // so records sharing them are not affected).
  void set(std::string_view name, Value v);

  // Dotted path through nested objects ("Account.Name"); nullptr when absent.
  const Value* get_path(std::string_view path) const;

 private:
  static const FieldNamesPtr& empty_names();
  FieldNamesPtr names_;
  std::vector<Value> values_;
  std::string id_;
  bool deleted_ = false;
};

}  // namespace crmsync
