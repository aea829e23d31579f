#include "sandbox/siagh/siagh_store.h"

#include "net/crypto.h"
#include "sandbox/common/jalali.h"
#include "sandbox/common/json_object.h"

namespace crmsync::sandbox::siagh {

namespace {
const char* const kPhoneFields[] = {"MobileNo", "MobileNo2", "TelNo", "TelNo2"};

std::string text_of(const Value& v) {
  return v.is_string() ? v.as_string() : v.to_text();
}
}  // namespace

Object blank_contact(int64_t code, const std::string& reg_date) {
  Object o;
  // SiaghUserDto's fields, in its order; `Password` is always null.
  put(o, "RecordId", Value(code));
  put(o, "tmpid", Value());
  put(o, "Code", Value(code));
  for (const char* name :
       {"Name", "NickName", "NationalCode", "MobileNo", "MobileNo2", "TelNo", "TelNo2", "Email",
        "Email2", "Address", "PostalCode", "CityCode", "CountryCode", "Gender", "BirthDate",
        "FatherName", "Description", "WebSiteAddress"})
    put(o, name, Value());
  put(o, "IsActive", Value(true));
  put(o, "IsAdminUser", Value(false));
  put(o, "TowardType", Value(false));
  put(o, "RegDate", Value(reg_date));
  for (const char* name :
       {"ExpireDate", "ParentCode", "AccountPartyCode", "Coin", "Confirm", "Picture", "Password"})
    put(o, name, Value());
  return o;
}

void SiaghStore::reset() {
  std::lock_guard lock(mu_);
  contacts_.clear();
  phones_.clear();
  preinvoices_.clear();
  sessions_.clear();
  next_code_ = 1;
  next_number_ = 2488;
  next_document_id_ = 15459;
}

std::vector<Value> SiaghStore::contacts(const Object& filter) const {
  std::lock_guard lock(mu_);
  std::vector<Value> out;
  for (const auto& [code, contact] : contacts_) {
    bool match = true;
    for (const Member& m : filter) {
      const Value* have = member(contact, m.key);
      if (have == nullptr || have->is_null() || text_of(*have) != text_of(m.value)) {
        match = false;
        break;
      }
    }
    if (match) out.emplace_back(contact);
  }
  return out;
}

std::optional<Value> SiaghStore::contact(int64_t code) const {
  std::lock_guard lock(mu_);
  auto it = contacts_.find(code);
  if (it == contacts_.end()) return std::nullopt;
  return Value(it->second);
}

std::optional<FormError> SiaghStore::phone_taken(const Object& candidate, int64_t own_code) const {
  for (const char* field : kPhoneFields) {
    const Value* mine = member(candidate, field);
    if (mine == nullptr || !mine->is_string() || mine->as_string().empty()) continue;
    auto [first, last] = phones_.equal_range(mine->as_string());
    for (auto it = first; it != last; ++it)
      if (it->second != own_code) return FormError{field, "شماره تلفن نمی تواند تکراری باشد."};
  }
  return std::nullopt;
}

void SiaghStore::index_phones(int64_t code, const Object* before, const Object* after) {
  for (const char* field : kPhoneFields) {
    if (before != nullptr) {
      const Value* old = member(*before, field);
      if (old != nullptr && old->is_string()) {
        auto [first, last] = phones_.equal_range(old->as_string());
        for (auto it = first; it != last; ++it)
          if (it->second == code) {
            phones_.erase(it);
            break;
          }
      }
    }
    if (after != nullptr) {
      const Value* now = member(*after, field);
      if (now != nullptr && now->is_string() && !now->as_string().empty())
        phones_.emplace(now->as_string(), code);
    }
  }
}

std::variant<FormSuccess, FormError> SiaghStore::save_contact(const ContactWrite& write) {
  std::lock_guard lock(mu_);
  int64_t code = 0;
  Object contact;
  if (write.code) {
    auto it = contacts_.find(*write.code);
    if (it == contacts_.end()) return FormError{"Code", "رکورد مورد نظر یافت نشد."};
    code = *write.code;
    contact = it->second;
  } else {
    code = next_code_;
    contact = blank_contact(code, jalali_text(tehran_jalali_date(clock_())));
  }
  for (const ContactField& f : write.fields) put(contact, f.name, f.value);
  const Value* name = member(contact, "Name");
  if (name == nullptr || !name->is_string() || name->as_string().empty())
    return FormError{"FullName", "نام نمی تواند خالی باشد."};
  if (auto taken = phone_taken(contact, code)) return *taken;
  if (!write.code) ++next_code_;
  auto old = contacts_.find(code);
  index_phones(code, old == contacts_.end() ? nullptr : &old->second, &contact);
  contacts_[code] = std::move(contact);
  return FormSuccess{std::to_string(code), "", "اطلاعات با موفقیت ثبت گردید"};
}

bool SiaghStore::delete_contact(int64_t code) {
  std::lock_guard lock(mu_);
  auto it = contacts_.find(code);
  if (it == contacts_.end()) return false;
  index_phones(code, &it->second, nullptr);
  contacts_.erase(it);
  return true;
}

std::variant<FormSuccess, FormError> SiaghStore::save_preinvoice(const PreInvoiceWrite& write,
                                                                 int64_t fiscal_year) {
  std::lock_guard lock(mu_);
  auto header = [&](const char* key) -> std::string {
    auto it = write.header.find(key);
    return it == write.header.end() ? "" : it->second;
  };
  if (header("salmali") != std::to_string(fiscal_year))
    return FormError{"SalMali", "سال مالی " + header("salmali") + " معتبر نیست."};
  int64_t customer = 0;
  std::string customer_text = header("codemoshtari");
  if (customer_text.empty() || customer_text.find_first_not_of("0123456789") != std::string::npos ||
      customer_text.size() > 15 || !contacts_.count(customer = std::stoll(customer_text)))
    return FormError{"CodeMoshtari", "مشتری انتخاب شده معتبر نیست."};
  if (write.lines.empty()) return FormError{"", "فاکتور باید حداقل یک ردیف داشته باشد."};
  PreInvoice doc;
  doc.number = next_number_++;
  doc.id = next_document_id_++;
  doc.fiscal_year = fiscal_year;
  doc.customer_code = customer;
  doc.write = write;
  doc.created_at = clock_();
  preinvoices_.push_back(doc);
  return FormSuccess{
      std::to_string(doc.id), std::to_string(doc.id + 1),
      "پیش فاکتور فروش با موفقیت به شماره " + std::to_string(doc.number) + " ثبت گردید"};
}

std::vector<PreInvoice> SiaghStore::preinvoices() const {
  std::lock_guard lock(mu_);
  return preinvoices_;
}

std::string SiaghStore::open_session() {
  std::string id = hex_lower(net::random_bytes(16));
  std::lock_guard lock(mu_);
  sessions_[id] = clock_();
  return id;
}

SiaghStore::SessionState SiaghStore::touch_session(const std::string& id, int64_t idle_secs) {
  std::lock_guard lock(mu_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return SessionState::unknown;
  int64_t now = clock_();
  if (idle_secs > 0 && now - it->second > idle_secs) {
    sessions_.erase(it);
    return SessionState::expired;
  }
  it->second = now;
  return SessionState::valid;
}

void SiaghStore::drop_sessions() {
  std::lock_guard lock(mu_);
  sessions_.clear();
}

}  // namespace crmsync::sandbox::siagh
