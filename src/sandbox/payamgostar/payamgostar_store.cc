#include "sandbox/payamgostar/payamgostar_store.h"

#include <cstdio>

#include "sandbox/common/jalali.h"
#include "sandbox/common/json_object.h"

namespace crmsync::sandbox::payamgostar {

namespace {
bool is_identity(Kind kind) {
  return kind == Kind::person || kind == Kind::organization;
}

std::string string_of(const Object& o, std::string_view key) {
  const Value* v = member(o, key);
  return v && v->is_string() ? v->as_string() : "";
}
}  // namespace

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::person:
      return "person";
    case Kind::organization:
      return "organization";
    case Kind::quote:
      return "quote";
    case Kind::product:
      return "product";
  }
  return "";
}

std::string pg_datetime(int64_t epoch_ms) {
  return tehran_local_iso(epoch_ms);
}

PayamgostarStore::PayamgostarStore(std::function<int64_t()> clock_ms, TypeNames names)
    : clock_ms_(std::move(clock_ms)), names_(std::move(names)) {}

void PayamgostarStore::reset() {
  std::lock_guard lock(mu_);
  records_.clear();
  order_.clear();
  customer_numbers_.clear();
  guid_rng_.seed(20251221);
  customer_counter_ = 0;
}

std::string PayamgostarStore::new_guid() {
  uint64_t a = guid_rng_(), b = guid_rng_();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

// The vendor's advice for accounting sync: the pattern 100-{*(AN)}.
std::string PayamgostarStore::next_customer_number() {
  while (true) {
    std::string candidate = "100-" + std::to_string(++customer_counter_);
    if (!customer_numbers_.count(candidate)) return candidate;
  }
}

void PayamgostarStore::index_number(const std::string& id, const Object* before,
                                    const Object* after) {
  if (before != nullptr) {
    auto it = customer_numbers_.find(string_of(*before, "customerNumber"));
    if (it != customer_numbers_.end() && it->second == id) customer_numbers_.erase(it);
  }
  if (after != nullptr) customer_numbers_[string_of(*after, "customerNumber")] = id;
}

std::variant<Object, ApiError> PayamgostarStore::accept(Kind kind, const Object& input,
                                                        const Object* before,
                                                        const std::string& own_id) {
  if (kind == Kind::product) {
    auto accepted = accept_product(input, before);
    if (auto* fields = std::get_if<Object>(&accepted)) {
      std::string code = string_of(*fields, "code");
      for (const auto& [id, r] : records_)
        if (r.kind == Kind::product && id != own_id && string_of(r.fields, "code") == code)
          return ApiError{400, "DuplicateCode", "کد کالا تکراری است: " + code};
    }
    return accepted;
  }
  if (kind == Kind::quote) {
    auto lookup = [this](const std::string& id, const std::string& code) -> const CrmRecord* {
      for (const auto& [rid, r] : records_)
        if (r.kind == Kind::product &&
            ((!id.empty() && rid == id) || (id.empty() && string_of(r.fields, "code") == code)))
          return &r;
      return nullptr;
    };
    auto accepted = accept_quote(input, before, lookup);
    if (auto* fields = std::get_if<Object>(&accepted)) {
      auto it = records_.find(string_of(*fields, "identityId"));
      if (it == records_.end() || !is_identity(it->second.kind))
        return ApiError{400, "IdentityNotFound", "identityId is not a person or organization"};
    }
    return accepted;
  }
  auto accepted = accept_identity(kind, input, before);
  auto* fields = std::get_if<Object>(&accepted);
  if (fields == nullptr) return accepted;
  std::string number = string_of(*fields, "customerNumber");
  if (number.empty()) {
    put(*fields, "customerNumber", Value(next_customer_number()));
  } else {
    auto taken = customer_numbers_.find(number);
    if (taken != customer_numbers_.end() && taken->second != own_id)
      return ApiError{400, "DuplicateCustomerNumber", "شماره مشتری تکراری است: " + number};
  }
  return accepted;
}

std::variant<std::string, ApiError> PayamgostarStore::create(Kind kind, const Object& input) {
  CrmRecord copy;
  {
    std::lock_guard lock(mu_);
    auto accepted = accept(kind, input, nullptr, "");
    if (auto* error = std::get_if<ApiError>(&accepted)) return *error;
    CrmRecord r;
    r.kind = kind;
    r.id = new_guid();
    r.fields = std::move(std::get<Object>(accepted));
    r.created_ms = r.modified_ms = clock_ms_();
    order_.push_back(r.id);
    if (is_identity(kind)) index_number(r.id, nullptr, &r.fields);
    copy = r;
    records_.emplace(r.id, std::move(r));
  }
  if (observer_) observer_(copy, "Insert");
  return copy.id;
}

std::variant<std::string, ApiError> PayamgostarStore::update(Kind kind, const std::string& id,
                                                             const Object& input) {
  CrmRecord copy;
  {
    std::lock_guard lock(mu_);
    auto it = records_.find(id);
    if (it == records_.end() || it->second.kind != kind)
      return ApiError{404, "NotFound", std::string("no ") + kind_name(kind) + " " + id};
    auto accepted = accept(kind, input, &it->second.fields, id);
    if (auto* error = std::get_if<ApiError>(&accepted)) return *error;
    if (is_identity(kind)) index_number(id, &it->second.fields, &std::get<Object>(accepted));
    it->second.fields = std::move(std::get<Object>(accepted));
    it->second.modified_ms = clock_ms_();
    copy = it->second;
  }
  if (observer_) observer_(copy, "Update");
  return id;
}

bool PayamgostarStore::remove(Kind kind, const std::string& id) {
  CrmRecord copy;
  {
    std::lock_guard lock(mu_);
    auto it = records_.find(id);
    if (it == records_.end() || it->second.kind != kind) return false;
    if (is_identity(kind)) index_number(id, &it->second.fields, nullptr);
    copy = std::move(it->second);
    records_.erase(it);
    std::erase(order_, id);
  }
  if (observer_) observer_(copy, "Delete");
  return true;
}

Value PayamgostarStore::render(const CrmRecord& r) const {
  if (r.kind == Kind::quote) return render_quote(r);
  if (r.kind == Kind::product) return render_product(r);
  return render_identity(r, names_);
}

std::optional<Value> PayamgostarStore::get(Kind kind, const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = records_.find(id);
  if (it == records_.end() || it->second.kind != kind) return std::nullopt;
  return render(it->second);
}

std::vector<Value> PayamgostarStore::list(Kind kind) const {
  std::lock_guard lock(mu_);
  std::vector<Value> out;
  for (const std::string& id : order_) {
    const CrmRecord& r = records_.at(id);
    if (r.kind == kind) out.push_back(render(r));
  }
  return out;
}

std::vector<CrmRecord> PayamgostarStore::identities() const {
  std::lock_guard lock(mu_);
  std::vector<CrmRecord> out;
  for (const std::string& id : order_) {
    const CrmRecord& r = records_.at(id);
    if (is_identity(r.kind)) out.push_back(r);
  }
  return out;
}

}  // namespace crmsync::sandbox::payamgostar
