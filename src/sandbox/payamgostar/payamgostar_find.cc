#include "sandbox/payamgostar/payamgostar_find.h"

#include <algorithm>
#include <cctype>

#include "core/decimal.h"
#include "sandbox/common/json_object.h"

namespace crmsync::sandbox::payamgostar {

namespace {
bool same_name(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

const Value* field_of(const Value& record, std::string_view name) {
  for (const Member& m : record.as_object())
    if (same_name(m.key, name)) return &m.value;
  return nullptr;
}

std::string text(const Value& v) {
  return v.is_null() ? "" : v.is_string() ? v.as_string() : v.to_text();
}

// <0, 0, >0: as numbers when both read as numbers, else as text.
int compare(const Value& have, const Value& want) {
  auto a = Decimal::parse(text(have));
  auto b = Decimal::parse(text(want));
  if (a && b) return a->compare(*b);
  return text(have).compare(text(want));
}

bool in_list(const Value& have, const Value& list) {
  if (list.is_array()) {
    for (const Value& v : list.as_array())
      if (compare(have, v) == 0) return true;
    return false;
  }
  std::string all = text(list);
  size_t start = 0;
  while (true) {
    size_t comma = all.find(',', start);
    if (compare(have, Value(all.substr(start, comma - start))) == 0) return true;
    if (comma == std::string::npos) return false;
    start = comma + 1;
  }
}

std::variant<bool, ApiError> matches(const Value& record, const Array& queries);

std::variant<bool, ApiError> one(const Value& record, const Value& query) {
  if (!query.is_object()) return ApiError{400, "ValidationError", "a query must be an object"};
  bool result = true;
  const Value* name = query.find("field");
  if (name != nullptr && name->is_string() && !name->as_string().empty()) {
    const Value* op = query.find("operator");
    int64_t code = op && op->is_int() ? op->as_int() : 0;
    const Value* want_ptr = query.find("value");
    Value want = want_ptr ? *want_ptr : Value();
    const Value* have_ptr = field_of(record, name->as_string());
    Value have = have_ptr ? *have_ptr : Value();
    std::string h = text(have), w = text(want);
    switch (code) {
      case 0:
        result = compare(have, want) == 0;
        break;
      case 1:
        result = compare(have, want) > 0;
        break;
      case 2:
        result = compare(have, want) >= 0;
        break;
      case 3:
        result = in_list(have, want);
        break;
      case 4:
        result = compare(have, want) < 0;
        break;
      case 5:
        result = compare(have, want) <= 0;
        break;
      case 6:
        result = compare(have, want) != 0;
        break;
      case 7:
        result = !in_list(have, want);
        break;
      case 11:
        result = h.rfind(w, 0) == 0;
        break;
      case 12:
        result = h.find(w) != std::string::npos;
        break;
      case 13:
        result = h.size() >= w.size() && h.compare(h.size() - w.size(), w.size(), w) == 0;
        break;
      default:
        return ApiError{400, "ValidationError", "unknown operator " + std::to_string(code)};
    }
  }
  const Value* leafs = query.find("leafs");
  if (leafs != nullptr && leafs->is_array() && !leafs->as_array().empty()) {
    auto sub = matches(record, leafs->as_array());
    if (auto* error = std::get_if<ApiError>(&sub)) return *error;
    result = result && std::get<bool>(sub);
  }
  return result;
}

// Left to right: each query joins the result so far by its logicalOperator.
std::variant<bool, ApiError> matches(const Value& record, const Array& queries) {
  bool result = true;
  bool first = true;
  for (const Value& q : queries) {
    auto r = one(record, q);
    if (auto* error = std::get_if<ApiError>(&r)) return *error;
    const Value* logical = q.is_object() ? q.find("logicalOperator") : nullptr;
    bool or_join = logical && logical->is_int() && logical->as_int() == 1;
    result = first     ? std::get<bool>(r)
             : or_join ? (result || std::get<bool>(r))
                       : (result && std::get<bool>(r));
    first = false;
  }
  return result;
}

// pageNumber (from 1; 0 read as 1) and pageSize from the body; false with
// an error for values that are not whole numbers >= 0.
bool paging(const Object& body, int64_t default_size, int64_t& number, int64_t& size,
            ApiError& error) {
  number = 1;
  size = default_size;
  for (auto [key, target] : {std::pair{"pageNumber", &number}, std::pair{"pageSize", &size}}) {
    const Value* v = member(body, key);
    if (v == nullptr || v->is_null()) continue;
    if (!v->is_int() || v->as_int() < 0) {
      error = ApiError{400, "ValidationError", std::string(key) + " must be a whole number >= 0"};
      return false;
    }
    *target = v->as_int();
  }
  number = std::max<int64_t>(number, 1);
  return true;
}
}  // namespace

std::variant<Value, ApiError> find_records(const std::vector<Value>& records, const Object& body) {
  const Value* queries = member(body, "queries");
  if (queries != nullptr && !queries->is_null() && !queries->is_array())
    return ApiError{400, "ValidationError", "queries must be an array"};
  int64_t page = 1, size = 10;
  ApiError error;
  if (!paging(body, 10, page, size, error)) return error;
  if (size == 0) size = 10;
  Array data;
  int64_t total = 0;
  for (const Value& record : records) {
    if (queries != nullptr && queries->is_array()) {
      auto m = matches(record, queries->as_array());
      if (auto* e = std::get_if<ApiError>(&m)) return *e;
      if (!std::get<bool>(m)) continue;
    }
    if (total >= (page - 1) * size && total < page * size) data.push_back(record);
    ++total;
  }
  return Value(Object{{"data", Value(std::move(data))}, {"total", Value(total)}});
}

std::variant<Value, ApiError> search_identities(const std::vector<CrmRecord>& identities,
                                                const Object& body) {
  int64_t page = 1, size = 0;
  ApiError error;
  if (!paging(body, 0, page, size, error)) return error;
  const Value* term_v = member(body, "searchTerm");
  std::string term = term_v && term_v->is_string() ? term_v->as_string() : "";
  const Value* type_v = member(body, "identityType");
  int64_t type = type_v && type_v->is_int() ? type_v->as_int() : 0;
  Array out;
  int64_t index = 0;
  for (const CrmRecord& r : identities) {
    if (type == 1 && r.kind != Kind::person) continue;
    if (type == 2 && r.kind != Kind::organization) continue;
    auto str = [&](const char* key) {
      const Value* v = member(r.fields, key);
      return v && v->is_string() ? v->as_string() : "";
    };
    if (!term.empty()) {
      bool hit = str("nickName").find(term) != std::string::npos ||
                 str("customerNumber").find(term) != std::string::npos;
      for (const Value& phone : member(r.fields, "phoneContacts")->as_array()) {
        const Value* number = phone.find("phoneNumber");
        if (number && number->is_string() && number->as_string().find(term) != std::string::npos)
          hit = true;
      }
      if (!hit) continue;
    }
    bool on_page = size == 0 || (index >= (page - 1) * size && index < page * size);
    ++index;
    if (!on_page) continue;
    out.emplace_back(Object{{"identityId", Value(r.id)},
                            {"nickName", Value(str("nickName"))},
                            {"customerNo", Value(str("customerNumber"))}});
  }
  return Value(std::move(out));
}

}  // namespace crmsync::sandbox::payamgostar
