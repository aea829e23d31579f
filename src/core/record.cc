#include "core/record.h"

#include <algorithm>
#include <numeric>

namespace crmsync {

FieldNames::FieldNames(std::vector<std::string> names) : names_(std::move(names)) {
  sorted_.resize(names_.size());
  std::iota(sorted_.begin(), sorted_.end(), 0);
  std::sort(sorted_.begin(), sorted_.end(),
            [&](uint32_t a, uint32_t b) { return names_[a] < names_[b]; });
}

int FieldNames::index_of(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

FieldNamesPtr make_field_names(std::vector<std::string> names) {
  return std::make_shared<const FieldNames>(std::move(names));
}

const FieldNamesPtr& Record::empty_names() {
  static const FieldNamesPtr kEmpty = make_field_names({});
  return kEmpty;
}

const Value* Record::get(std::string_view name) const {
  int i = names_->index_of(name);
  return i < 0 ? nullptr : &values_[i];
}

void Record::set(std::string_view name, Value v) {
  int i = names_->index_of(name);
  if (i >= 0) {
    values_[i] = std::move(v);
    return;
  }
  std::vector<std::string> names = names_->names();
  names.emplace_back(name);
  names_ = make_field_names(std::move(names));
  values_.push_back(std::move(v));
}

const Value* Record::get_path(std::string_view path) const {
  if (const Value* direct = get(path)) return direct;
  size_t dot = path.find('.');
  if (dot == std::string_view::npos) return nullptr;
  const Value* cur = get(path.substr(0, dot));
  path.remove_prefix(dot + 1);
  while (cur != nullptr) {
    dot = path.find('.');
    std::string_view key = path.substr(0, dot);
    cur = cur->find(key);
    if (dot == std::string_view::npos) return cur;
    path.remove_prefix(dot + 1);
  }
  return nullptr;
}

}  // namespace crmsync
