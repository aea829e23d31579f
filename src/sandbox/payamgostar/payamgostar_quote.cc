// Sales quotes with line items: the lines priced from the products, VAT
// (9% by default) and the totals computed as the CRM does, and the read
// shape of quote/sales/get as captured from a live server.
#include <algorithm>

#include "core/decimal.h"
#include "sandbox/common/json_object.h"
#include "sandbox/payamgostar/payamgostar_store.h"

namespace crmsync::sandbox::payamgostar {

namespace {
Decimal dec(std::string_view text) {
  return *Decimal::parse(text);
}

// `d` rounded to `scale` digits and written with all of them ("100000.00").
Decimal fixed(const Decimal& d, int scale) {
  std::string s = d.rounded(scale).to_string();
  size_t dot = s.find('.');
  int have = dot == std::string::npos ? 0 : static_cast<int>(s.size() - dot - 1);
  if (scale > 0 && dot == std::string::npos) s += '.';
  s.append(static_cast<size_t>(std::max(0, scale - have)), '0');
  return dec(s);
}

Decimal mul(const Decimal& a, const Decimal& b) {
  return a.mul(b).value_or(Decimal());
}
Decimal add(const Decimal& a, const Decimal& b) {
  return a.add(b).value_or(Decimal());
}
Decimal sub(const Decimal& a, const Decimal& b) {
  return a.sub(b).value_or(Decimal());
}

std::string text_of(const Object& o, std::string_view key) {
  const Value* v = member(o, key);
  return v && v->is_string() ? v->as_string() : "";
}

// A number member, or `fallback` when absent or null; nullopt when it is
// not a number.
std::optional<Decimal> number_of(const Object& o, std::string_view key, const Decimal& fallback) {
  const Value* v = member(o, key);
  if (v == nullptr || v->is_null()) return fallback;
  if (!v->is_number()) return std::nullopt;
  return v->to_decimal();
}

ApiError invalid(const std::string& message) {
  return ApiError{400, "ValidationError", message};
}
}  // namespace

std::variant<Object, ApiError> accept_quote(const Object& input, const Object* before,
                                            const ProductLookup& product) {
  Object out = before ? *before : Object{};
  for (const char* key : {"identityId", "subject", "crmObjectTypeCode", "refId", "quoteDate",
                          "expireDate", "number"}) {
    const Value* v = member(input, key);
    if (v != nullptr && !v->is_null() && !v->is_string())
      return invalid(std::string("The JSON value could not be converted: ") + key);
    if (v != nullptr || before == nullptr) put(out, key, v && !v->is_null() ? *v : Value());
  }
  if (text_of(out, "crmObjectTypeCode").empty()) put(out, "crmObjectTypeCode", Value("PI_5"));
  if (text_of(out, "number").empty()) put(out, "number", Value(""));
  if (text_of(out, "refId").empty()) put(out, "refId", Value(""));
  if (text_of(out, "identityId").empty()) return invalid("identityId is required");
  auto vat_percent = number_of(input, "vatPercent",
                               before ? member(*before, "vatPercent")->to_decimal() : dec("9"));
  if (!vat_percent) return invalid("vatPercent must be a number");
  const Value* tags = member(input, "tags");
  put(out, "tags", tags && tags->is_array() ? *tags : before ? *member(*before, "tags") : Array{});

  const Value* lines = member(input, "details");
  if (lines == nullptr && before != nullptr) lines = member(*before, "details");
  if (lines == nullptr || !lines->is_array() || lines->as_array().empty())
    return invalid("details must list at least one product");
  Decimal rate = mul(*vat_percent, dec("0.01"));
  Decimal total, discount, vat;
  Array details;
  for (const Value& item : lines->as_array()) {
    std::string n = std::to_string(details.size() + 1);
    if (!item.is_object()) return invalid("details[" + n + "] must be an object");
    const Object& line = item.as_object();
    const CrmRecord* p = product(text_of(line, "productId"), text_of(line, "productCode"));
    if (p == nullptr) return invalid("details[" + n + "]: no such product");
    auto count = number_of(line, "count", Decimal());
    if (!count || count->compare(Decimal::from_int(0)) <= 0)
      return invalid("details[" + n + "]: count must be a number > 0");
    auto base = number_of(line, "baseUnitPrice", member(p->fields, "unitPrice")->to_decimal());
    auto percent = number_of(line, "discountPercent", Decimal::from_int(0));
    if (!base || !percent) return invalid("details[" + n + "]: prices must be numbers");
    Decimal line_total = fixed(mul(*base, *count), 2);
    auto line_discount =
        number_of(line, "totalDiscount", mul(line_total, mul(*percent, dec("0.01"))));
    if (!line_discount) return invalid("details[" + n + "]: totalDiscount must be a number");
    Decimal line_vat = fixed(mul(sub(line_total, *line_discount), rate), 2);
    std::string unit = text_of(line, "productUnitTypeName");
    Object d;
    put(d, "productCode", *member(p->fields, "code"));
    put(d, "productId", Value(p->id));
    put(d, "productName", *member(p->fields, "name"));
    put(d, "isService", *member(p->fields, "isService"));
    put(d, "baseUnitPrice", Value(fixed(*base, 2)));
    put(d, "finalUnitPrice", Value(fixed(mul(*base, add(Decimal::from_int(1), rate)), 2)));
    put(d, "count", Value(fixed(*count, 4)));
    put(d, "returnedCount", Value(dec("0.0")));
    put(d, "totalUnitPrice", Value(line_total));
    put(d, "totalDiscount", Value(fixed(*line_discount, 2)));
    put(d, "totalVat", Value(line_vat));
    put(d, "totalToll", Value(dec("0.00")));
    put(d, "discountPercent", Value(fixed(*percent, 1)));
    put(d, "detailDescription", Value(text_of(line, "detailDescription")));
    put(d, "productUnitTypeName",
        unit.empty() ? *member(p->fields, "productUnitTypeName") : Value(unit));
    put(d, "serial", Value());
    details.emplace_back(std::move(d));
    total = add(total, line_total);
    discount = add(discount, *line_discount);
    vat = add(vat, line_vat);
  }
  put(out, "vatPercent", Value(vat_percent->normalized()));
  put(out, "details", Value(std::move(details)));
  put(out, "totalValue", Value(fixed(total, 2)));
  put(out, "discount", Value(fixed(discount, 2)));
  put(out, "vat", Value(fixed(vat, 2)));
  put(out, "finalValue", Value(fixed(add(sub(total, discount), vat), 2)));
  return out;
}

Value render_quote(const CrmRecord& r) {
  auto f = [&](std::string_view key) {
    const Value* v = member(r.fields, key);
    return v ? *v : Value();
  };
  Object o;
  put(o, "priceListName", Value(""));
  put(o, "discount", f("discount"));
  put(o, "vat", f("vat"));
  put(o, "toll", Value(dec("0.00")));
  put(o, "additionalCosts", Value());
  put(o, "totalValue", f("totalValue"));
  put(o, "quoteDate", f("quoteDate"));
  put(o, "expireDate", f("expireDate"));
  put(o, "vatPercent", f("vatPercent"));
  put(o, "tollPercent", Value(0));
  put(o, "quoteType", Value("Quote"));
  put(o, "details", f("details"));
  put(o, "finalValue", f("finalValue"));
  put(o, "number", f("number"));
  put(o, "billableObjectStateIndex", Value(1));
  put(o, "crmId", Value(r.id));
  put(o, "crmObjectTypeIndex", Value(8));
  put(o, "crmObjectTypeId", Value(type_id(Kind::quote)));
  put(o, "crmObjectTypeCode", f("crmObjectTypeCode"));
  put(o, "creatDate", Value(pg_datetime(r.created_ms)));
  put(o, "modifyDate", Value(pg_datetime(r.modified_ms)));
  put(o, "refId", f("refId"));
  put(o, "identityId", f("identityId"));
  put(o, "subject", f("subject"));
  put(o, "tags", f("tags"));
  return Value(std::move(o));
}

}  // namespace crmsync::sandbox::payamgostar
