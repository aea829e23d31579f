#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "sandbox/siagh/siagh_store.h"

namespace crmsync::sandbox::siagh {

// SaveFormData's form ids.
inline constexpr std::string_view kContactForm = "2BFDA";
inline constexpr std::string_view kPreInvoiceForm = "43D81";

// "k=v|k=v" (ctrlValues, parameters) as its pairs in order: split on every
// '|' and then on each piece's first '='. Values are not escaped on the
// wire, so a '|' inside a value splits it, as it does in Siagh.
std::vector<std::pair<std::string, std::string>> split_form_pairs(std::string_view text);

// The contact form: gn_web_users.* keys to GetAll's DTO fields; `Param1`
// or `CodeMain` names the contact to update.
std::variant<ContactWrite, FormError> decode_contact_form(std::string_view ctrl_values,
                                                          std::string_view parameters);

// The pre-invoice form: sl_sanad.* header keys and `data_rows`, the grid as
// JSON text inside the body's string ([{"name":"dbgrid1","entity":
// "sl_rizsanad","data":[{cell:{"oldValue","newValue"}}]}]).
std::variant<PreInvoiceWrite, FormError> decode_preinvoice_form(std::string_view ctrl_values,
                                                                std::string_view parameters,
                                                                std::string_view data_rows);

}  // namespace crmsync::sandbox::siagh
