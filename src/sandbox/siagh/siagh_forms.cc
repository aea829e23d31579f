#include "sandbox/siagh/siagh_forms.h"

#include <map>

#include "core/decimal.h"
#include "core/json.h"

namespace crmsync::sandbox::siagh {

namespace {
// The contact form's keys (after "gn_web_users.") and the DTO field each fills.
const std::map<std::string, std::string, std::less<>> kContactKeys = {
    {"address", "Address"},
    {"codeshahr", "CityCode"},
    {"countrycode", "CountryCode"},
    {"email", "Email"},
    {"fullname", "Name"},
    {"gender", "Gender"},
    {"mobileno", "MobileNo"},
    {"passno", "NationalCode"},
    {"pocode", "PostalCode"},
    {"telno", "TelNo"},
    {"tmpid", "tmpid"},
    {"tozihat", "Description"},
    {"websiteaddress", "WebSiteAddress"},
};
constexpr std::string_view kUserPrefix = "gn_web_users.";
constexpr std::string_view kSanadPrefix = "sl_sanad.";

bool all_digits(std::string_view s) {
  return !s.empty() && s.size() < 16 && s.find_first_not_of("0123456789") == std::string::npos;
}

std::string cell_text(const Value& row, const char* cell) {
  const Value* c = row.find(cell);
  const Value* v = c && c->is_object() ? c->find("newValue") : nullptr;
  if (v == nullptr || v->is_null()) return "";
  return v->is_string() ? v->as_string() : v->to_text();
}

// A positive (or, with `zero_ok`, zero) number.
bool valid_amount(const std::string& text, bool zero_ok) {
  auto d = Decimal::parse(text);
  if (!d) return false;
  int sign = d->compare(Decimal::from_int(0));
  return sign > 0 || (zero_ok && sign == 0);
}
}  // namespace

std::vector<std::pair<std::string, std::string>> split_form_pairs(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  if (text.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t bar = text.find('|', start);
    std::string_view piece = text.substr(start, bar == std::string_view::npos ? bar : bar - start);
    size_t eq = piece.find('=');
    if (!piece.empty())
      out.emplace_back(std::string(piece.substr(0, eq)),
                       eq == std::string_view::npos ? "" : std::string(piece.substr(eq + 1)));
    if (bar == std::string_view::npos) break;
    start = bar + 1;
  }
  return out;
}

std::variant<ContactWrite, FormError> decode_contact_form(std::string_view ctrl_values,
                                                          std::string_view parameters) {
  ContactWrite write;
  std::string code_text;
  bool nick_from_name = false;
  for (const auto& [key, value] : split_form_pairs(parameters))
    if (key == "CodeMain" && !value.empty()) code_text = value;
  for (const auto& [key, value] : split_form_pairs(ctrl_values)) {
    if (key == "Param1") {
      if (!value.empty()) code_text = value;
      continue;
    }
    if (key == "NickName") {
      // "dbgrid1.#nickname#" is the form's own expression: the full name.
      if (value.find('#') != std::string::npos)
        nick_from_name = true;
      else
        write.fields.push_back({"NickName", Value(value)});
      continue;
    }
    if (key.rfind(kUserPrefix, 0) != 0) continue;  // not a field of this form
    std::string field = key.substr(kUserPrefix.size());
    if (field == "isactive") {
      write.fields.push_back({"IsActive", Value(value == "1" || value == "true")});
    } else if (field == "taraftype") {
      if (value != "0" && value != "1")
        return FormError{"TarafType", "نوع طرف حساب باید 0 یا 1 باشد."};
      write.fields.push_back({"TowardType", Value(value == "1")});
    } else if (auto it = kContactKeys.find(field); it != kContactKeys.end()) {
      write.fields.push_back({it->second, Value(value)});
    }
  }
  if (nick_from_name)
    for (const ContactField& f : std::vector<ContactField>(write.fields))
      if (f.name == "Name") write.fields.push_back({"NickName", f.value});
  if (!code_text.empty()) {
    if (!all_digits(code_text)) return FormError{"Code", "کد طرف حساب نامعتبر است."};
    write.code = std::stoll(code_text);
  }
  return write;
}

std::variant<PreInvoiceWrite, FormError> decode_preinvoice_form(std::string_view ctrl_values,
                                                                std::string_view parameters,
                                                                std::string_view data_rows) {
  PreInvoiceWrite write;
  for (const auto& [key, value] : split_form_pairs(ctrl_values))
    if (key.rfind(kSanadPrefix, 0) == 0) write.header[key.substr(kSanadPrefix.size())] = value;
  for (const auto& [key, value] : split_form_pairs(parameters))
    if (key == "_In_Suid") write.suid = value;
  auto grid = parse_json(data_rows);
  if (!grid.ok() || !grid->is_array())
    return FormError{"dataRows", "اطلاعات ردیف های فاکتور نامعتبر است."};
  for (const Value& table : grid->as_array()) {
    const Value* name = table.find("name");
    const Value* data = table.find("data");
    if (!name || !name->is_string() || name->as_string() != "dbgrid1" || !data || !data->is_array())
      continue;
    for (const Value& row : data->as_array()) {
      if (cell_text(row, "_status") == "deleted") continue;
      PreInvoiceLine line{cell_text(row, "codekala"),   cell_text(row, "nameunit"),
                          cell_text(row, "qty"),        cell_text(row, "price"),
                          cell_text(row, "mabtakhfif"), cell_text(row, "radif")};
      std::string n = std::to_string(write.lines.size() + 1);
      if (line.product_code.empty())
        return FormError{"CodeKala", "کد کالای ردیف " + n + " وارد نشده است"};
      if (!valid_amount(line.qty, false))
        return FormError{"Qty", "مقدار ردیف " + n + " درست وارد نشده است"};
      if (!valid_amount(line.price, false))
        return FormError{"Price", "قیمت ردیف " + n + " درست وارد نشده است"};
      if (!line.discount.empty() && !valid_amount(line.discount, true))
        return FormError{"MabTakhfif", "تخفیف ردیف " + n + " درست وارد نشده است"};
      write.lines.push_back(std::move(line));
    }
  }
  return write;
}

}  // namespace crmsync::sandbox::siagh
