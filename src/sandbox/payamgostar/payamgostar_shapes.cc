// Persons, organizations and products: what a create or update may write,
// and the read shape (person/get's field names, `creatDate` sic).
#include "core/decimal.h"
#include "sandbox/common/json_object.h"
#include "sandbox/payamgostar/payamgostar_store.h"

namespace crmsync::sandbox::payamgostar {

namespace {
enum class Type { string, array, boolean, number };
struct FieldSpec {
  const char* name;
  Type type;
};

const FieldSpec kIdentityFields[] = {
    {"crmObjectTypeCode", Type::string},
    {"nickName", Type::string},
    {"firstName", Type::string},
    {"lastName", Type::string},
    {"refId", Type::string},
    {"customerNumber", Type::string},
    {"nationalCode", Type::string},
    {"economicCode", Type::string},
    {"email", Type::string},
    {"alternativeEmail", Type::string},
    {"website", Type::string},
    {"description", Type::string},
    {"subject", Type::string},
    {"tags", Type::array},
    {"categories", Type::array},
    {"extendedProperties", Type::array},
    {"phoneContacts", Type::array},
    {"addressContacts", Type::array},
    {"dontSms", Type::boolean},
    {"dontEmail", Type::boolean},
    {"saleUsername", Type::string},
    {"supportUsername", Type::string},
};
const FieldSpec kOrganizationFields[] = {{"registerNumber", Type::string},
                                         {"employees", Type::array}};
const FieldSpec kProductFields[] = {
    {"code", Type::string},
    {"name", Type::string},
    {"productUnitTypeName", Type::string},
    {"unitPrice", Type::number},
    {"isService", Type::boolean},
    {"description", Type::string},
};

bool type_ok(const Value& v, Type type) {
  if (v.is_null()) return true;
  switch (type) {
    case Type::string:
      return v.is_string();
    case Type::array:
      return v.is_array();
    case Type::boolean:
      return v.is_bool();
    case Type::number:
      return v.is_number();
  }
  return false;
}

Value default_of(Type type) {
  switch (type) {
    case Type::array:
      return Value(Array{});
    case Type::boolean:
      return Value(false);
    default:
      return Value();
  }
}

// `before` (or every field's default) with `input`'s known fields written
// over; a field of the wrong JSON type refuses the whole request.
template <size_t N>
std::optional<ApiError> merge(Object& out, const Object& input, const FieldSpec (&specs)[N],
                              bool fresh) {
  for (const FieldSpec& spec : specs) {
    if (fresh) put(out, spec.name, default_of(spec.type));
    const Value* v = member(input, spec.name);
    if (v == nullptr) continue;
    if (!type_ok(*v, spec.type))
      return ApiError{400, "ValidationError",
                      std::string("The JSON value could not be converted: ") + spec.name};
    put(out, spec.name, v->is_null() ? default_of(spec.type) : *v);
  }
  return std::nullopt;
}

const Value& field(const CrmRecord& r, std::string_view key) {
  static const Value kNull;
  const Value* v = member(r.fields, key);
  return v ? *v : kNull;
}
}  // namespace

std::string type_id(Kind kind) {
  switch (kind) {
    case Kind::person:
      return "5f1c0b7e-6a21-4c8e-9d3a-0c5b1e2f3a41";
    case Kind::organization:
      return "5f1c0b7e-6a21-4c8e-9d3a-0c5b1e2f3a42";
    case Kind::quote:
      return "5f1c0b7e-6a21-4c8e-9d3a-0c5b1e2f3a48";
    case Kind::product:
      return "5f1c0b7e-6a21-4c8e-9d3a-0c5b1e2f3a50";
  }
  return "";
}

std::variant<Object, ApiError> accept_identity(Kind kind, const Object& input,
                                               const Object* before) {
  Object out = before ? *before : Object{};
  if (auto error = merge(out, input, kIdentityFields, before == nullptr)) return *error;
  if (kind == Kind::organization)
    if (auto error = merge(out, input, kOrganizationFields, before == nullptr)) return *error;
  const Value* nick = member(out, "nickName");
  if (nick == nullptr || !nick->is_string() || nick->as_string().empty())
    return ApiError{400, "ValidationError", "nickName is required"};
  const Value* code = member(out, "crmObjectTypeCode");
  if (code == nullptr || code->is_null()) put(out, "crmObjectTypeCode", Value(kind_name(kind)));
  for (const char* list : {"phoneContacts", "addressContacts"})
    for (const Value& item : member(out, list)->as_array())
      if (!item.is_object())
        return ApiError{400, "ValidationError", std::string(list) + " must hold objects"};
  return out;
}

Value render_identity(const CrmRecord& r, const TypeNames& names) {
  bool person = r.kind == Kind::person;
  Object o;
  put(o, "crmId", Value(r.id));
  put(o, "identityId", Value(r.id));
  put(o, "crmObjectTypeId", Value(type_id(r.kind)));
  put(o, "crmObjectTypeIndex", Value(person ? 1 : 2));
  put(o, "crmObjectTypeCode", field(r, "crmObjectTypeCode"));
  put(o, "identityTypeName", Value(person ? names.person : names.organization));
  for (const FieldSpec& spec : kIdentityFields)
    if (std::string_view(spec.name) != "crmObjectTypeCode") put(o, spec.name, field(r, spec.name));
  if (!person)
    for (const FieldSpec& spec : kOrganizationFields) put(o, spec.name, field(r, spec.name));
  put(o, "balance", Value(*Decimal::parse("0.00")));
  put(o, "customerDate", Value(pg_datetime(r.created_ms)));
  put(o, "stageId", Value());
  put(o, "creatDate", Value(pg_datetime(r.created_ms)));
  put(o, "modifyDate", Value(pg_datetime(r.modified_ms)));
  return Value(std::move(o));
}

std::variant<Object, ApiError> accept_product(const Object& input, const Object* before) {
  Object out = before ? *before : Object{};
  if (auto error = merge(out, input, kProductFields, before == nullptr)) return *error;
  const Value* code = member(out, "code");
  if (code == nullptr || !code->is_string() || code->as_string().empty())
    return ApiError{400, "ValidationError", "code is required"};
  const Value* unit = member(out, "productUnitTypeName");
  if (unit->is_null()) put(out, "productUnitTypeName", Value("عدد"));
  if (member(out, "unitPrice")->is_null()) put(out, "unitPrice", Value(Decimal::from_int(0)));
  return out;
}

Value render_product(const CrmRecord& r) {
  Object o;
  put(o, "crmId", Value(r.id));
  put(o, "crmObjectTypeId", Value(type_id(Kind::product)));
  put(o, "crmObjectTypeIndex", Value(20));
  put(o, "crmObjectTypeCode", Value("product"));
  for (const FieldSpec& spec : kProductFields) put(o, spec.name, field(r, spec.name));
  put(o, "creatDate", Value(pg_datetime(r.created_ms)));
  put(o, "modifyDate", Value(pg_datetime(r.modified_ms)));
  return Value(std::move(o));
}

}  // namespace crmsync::sandbox::payamgostar
