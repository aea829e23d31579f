#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/value.h"

namespace crmsync::sandbox::siagh {

// Why a SaveFormData was refused: Siagh answers ErrError with ErrorCode -1
// and these texts (the documented ones verbatim, the others guessed).
struct FormError {
  std::string column;  // ColName: the field at fault ("Price", "TelNo"), may be empty
  std::string text;    // Persian, as the client shows it to users
};

// What a SaveFormData that succeeded returns.
struct FormSuccess {
  std::string return_code;    // contact: the Code; pre-invoice: the document's id
  std::string return_params;  // pre-invoice: another internal id
  std::string final_message;  // Persian; the pre-invoice number is only here
};

// One field a contact form sets: the GetAll DTO's name and its new value.
struct ContactField {
  std::string name;  // "MobileNo", "TowardType", ...
  Value value;
};

// A contact form (2BFDA) decoded: create when `code` is empty, else update.
struct ContactWrite {
  std::optional<int64_t> code;
  std::vector<ContactField> fields;
};

struct PreInvoiceLine {
  std::string product_code;  // codekala
  std::string unit;          // nameunit
  std::string qty;
  std::string price;
  std::string discount;  // mabtakhfif
  std::string row;       // radif
};

// A pre-invoice form (43D81) decoded.
struct PreInvoiceWrite {
  std::map<std::string, std::string> header;  // sl_sanad.* keys without the prefix
  std::string suid;                           // _In_Suid
  std::vector<PreInvoiceLine> lines;
};

struct PreInvoice {
  int64_t number = 0;  // the document number users see
  int64_t id = 0;      // ReturnCode
  int64_t fiscal_year = 0;
  int64_t customer_code = 0;
  PreInvoiceWrite write;
  int64_t created_at = 0;  // epoch secs
};

// Siagh's data: contacts (as GetAll's DTO objects, field order kept),
// pre-invoices and login sessions, behind one mutex. Codes and numbers
// count up from fixed starts, so runs are repeatable.
class SiaghStore {
 public:
  explicit SiaghStore(std::function<int64_t()> clock) : clock_(std::move(clock)) {}

  int64_t now() const { return clock_(); }
  void reset();

  // Every contact whose members equal `filter`'s (compared as text), by Code.
  std::vector<Value> contacts(const Object& filter) const;
  std::optional<Value> contact(int64_t code) const;
  // Create or update; refuses a phone another contact has (-1).
  std::variant<FormSuccess, FormError> save_contact(const ContactWrite& write);
  bool delete_contact(int64_t code);
  std::variant<FormSuccess, FormError> save_preinvoice(const PreInvoiceWrite& write,
                                                       int64_t fiscal_year);
  std::vector<PreInvoice> preinvoices() const;

  // Sessions: a new 32-hex id; whether one is live (touching it, since the
  // timeout is idle time), expired (and forgotten) or unknown.
  enum class SessionState { valid, expired, unknown };
  std::string open_session();
  SessionState touch_session(const std::string& id, int64_t idle_secs);
  // Ends every session at once (as a server restart does).
  void drop_sessions();

 private:
  std::optional<FormError> phone_taken(const Object& candidate, int64_t own_code) const;
  // Keeps phones_ in step when a contact changes (`before` null: new;
  // `after` null: deleted).
  void index_phones(int64_t code, const Object* before, const Object* after);

  std::function<int64_t()> clock_;
  mutable std::mutex mu_;
  std::map<int64_t, Object> contacts_;
  std::multimap<std::string, int64_t> phones_;  // every phone field's value -> Code
  std::vector<PreInvoice> preinvoices_;
  std::map<std::string, int64_t> sessions_;  // id -> last use
  int64_t next_code_ = 1;
  int64_t next_number_ = 2488;
  int64_t next_document_id_ = 15459;
};

// The GetAll DTO of a new contact: every field, unset ones null.
Object blank_contact(int64_t code, const std::string& reg_date);

}  // namespace crmsync::sandbox::siagh
