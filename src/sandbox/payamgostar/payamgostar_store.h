#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "core/value.h"

namespace crmsync::sandbox::payamgostar {

enum class Kind { person, organization, quote, product };
// "person", "organization", "quote", "product": the crmobject path segment
// (quotes are at quote/sales) and the licence module's name.
const char* kind_name(Kind kind);

// A refusal: the HTTP status and the body {"error", "errorMessage"} the Go
// client parses (Payamgostar documents no envelope; guessed).
struct ApiError {
  int status = 400;
  std::string error;
  std::string message;
};

struct CrmRecord {
  Kind kind = Kind::person;
  std::string id;  // crmId (a GUID); identityId too for persons and organizations
  Object fields;   // what clients wrote, normalized (shapes.cc / quote.cc)
  int64_t created_ms = 0;
  int64_t modified_ms = 0;
};

// The item types' display names (options).
struct TypeNames {
  std::string person;
  std::string organization;
  std::string quote;
};

// Every record behind one mutex, in creation order. Each change is told to
// the observer (outside the lock) as Insert, Update or Delete, as the CRM's
// webhooks see it.
class PayamgostarStore {
 public:
  using Observer = std::function<void(const CrmRecord& record, const std::string& event)>;
  PayamgostarStore(std::function<int64_t()> clock_ms, TypeNames names);

  int64_t now_ms() const { return clock_ms_(); }
  const TypeNames& names() const { return names_; }
  void set_observer(Observer observer) { observer_ = std::move(observer); }
  void reset();

  std::variant<std::string, ApiError> create(Kind kind, const Object& input);
  std::variant<std::string, ApiError> update(Kind kind, const std::string& id, const Object& input);
  bool remove(Kind kind, const std::string& id);
  // The read shape (get, find), or nullopt when there is no such record of
  // that kind.
  std::optional<Value> get(Kind kind, const std::string& id) const;
  std::vector<Value> list(Kind kind) const;
  // Persons and organizations, in creation order.
  std::vector<CrmRecord> identities() const;

 private:
  std::variant<Object, ApiError> accept(Kind kind, const Object& input, const Object* before,
                                        const std::string& own_id);
  Value render(const CrmRecord& record) const;
  std::string new_guid();
  std::string next_customer_number();
  // Keeps customer_numbers_ in step with an identity's fields.
  void index_number(const std::string& id, const Object* before, const Object* after);

  std::function<int64_t()> clock_ms_;
  TypeNames names_;
  Observer observer_;
  mutable std::mutex mu_;
  std::map<std::string, CrmRecord> records_;
  std::vector<std::string> order_;
  // Identities' customer numbers -> crmId: uniqueness without a scan (an
  // initial import creates tens of thousands).
  std::map<std::string, std::string> customer_numbers_;
  std::mt19937_64 guid_rng_{20251221};
  int64_t customer_counter_ = 0;
};

// shapes.cc: identities and products. quote.cc: quotes.
std::variant<Object, ApiError> accept_identity(Kind kind, const Object& input,
                                               const Object* before);
Value render_identity(const CrmRecord& record, const TypeNames& names);
std::variant<Object, ApiError> accept_product(const Object& input, const Object* before);
Value render_product(const CrmRecord& record);
// `product` finds a product's stored fields by crmId or code.
using ProductLookup =
    std::function<const CrmRecord*(const std::string& id, const std::string& code)>;
std::variant<Object, ApiError> accept_quote(const Object& input, const Object* before,
                                            const ProductLookup& product);
Value render_quote(const CrmRecord& record);
// Fixed ids of the item types (crmObjectTypeId).
std::string type_id(Kind kind);
// "2025-12-21T14:06:17.173": local time in Tehran, no offset (sic).
std::string pg_datetime(int64_t epoch_ms);

}  // namespace crmsync::sandbox::payamgostar
