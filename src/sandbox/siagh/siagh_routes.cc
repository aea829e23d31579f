// Siagh's API: LoginUser, Gn_Web_Users/GetAll, BpmsApi/SaveFormData.
#include "core/json.h"
#include "sandbox/common/jalali.h"
#include "sandbox/common/json_object.h"
#include "sandbox/siagh/siagh_context.h"
#include "sandbox/siagh/siagh_forms.h"

namespace crmsync::sandbox::siagh {

namespace {
const std::string kInvalidRequest = "The request is invalid.";

// A JSON object body; an absent or empty body is {}. Null (and an answer
// sent) when it is not an object.
std::optional<Object> object_body(const net::HttpRequest& req, net::HttpResponse& res) {
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) return Object{};
  auto parsed = parse_json(req.body);
  if (!parsed.ok() || !parsed->is_object()) {
    answer_message(res, 400, kInvalidRequest);
    return std::nullopt;
  }
  return parsed->as_object();
}

std::string string_member(const Object& o, std::string_view key) {
  const Value* v = member(o, key);
  return v && v->is_string() ? v->as_string() : "";
}

void login(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto body = object_body(req, res);
  if (!body) return;
  // Exact bytes: the user name may be Persian; the hash is upper case.
  if (string_member(*body, "UserName") != ctx.options.user_name ||
      string_member(*body, "Password") != siagh_password_hash(ctx.options.password))
    return answer_message(res, 401, "Invalid username or password");
  std::string session = ctx.store.open_session();
  int64_t now = ctx.store.now();
  Object o;
  put(o, "ContactCode", Value(1));
  put(o, "ContactName", Value(ctx.options.user_name));
  put(o, "UserCode", Value(1));
  put(o, "UserName", Value(ctx.options.user_name));
  put(o, "SessionId", Value(session));
  put(o, "Token", Value(session + ":0"));
  put(o, "BranchCode", Value(1));
  put(o, "BranchName", Value("دفتر مرکزی"));
  put(o, "IsAdminUser", Value(true));
  put(o, "FiscalYear", Value(ctx.fiscal_year()));
  put(o, "MobileNo", Value(""));
  put(o, "SystemDate", Value(jalali_text(tehran_jalali_date(now))));
  put(o, "SystemTime", Value(tehran_hh_mm(now)));
  res.body = to_json(Value(std::move(o)));
}

// A bare array, no envelope and no paging; the body's members (if any)
// are an equality filter on the DTO's fields.
void get_all(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto filter = object_body(req, res);
  if (!filter) return;
  Object effective;
  for (const Member& m : *filter)
    if (!m.value.is_null()) effective.push_back(m);
  Array all;
  for (Value& contact : ctx.store.contacts(effective)) all.push_back(std::move(contact));
  res.body = to_json(Value(std::move(all)));
}

Value error_entry(const std::string& column, const std::string& text, bool error) {
  Object e;
  put(e, "ColName", Value(column));
  put(e, "Group", Value(""));
  put(e, "ErrorType", Value(error ? "ErrError" : "ErrSuccs"));
  put(e, "Description", Value(text));
  put(e, "ErrorCode", Value(error ? -1 : 0));
  put(e, "MessageText", Value(text));
  put(e, "Solution", Value(""));
  put(e, "HelpIndex", Value(0));
  return Value(std::move(e));
}

// The outcome is always in the body, with HTTP 200: ReturnValue false and
// an ErrError entry (ErrorCode -1) on failure.
void answer_outcome(net::HttpResponse& res, const std::variant<FormSuccess, FormError>& outcome,
                    bool success_in_errors) {
  Object o;
  if (const auto* error = std::get_if<FormError>(&outcome)) {
    put(o, "Errors", Value(Array{error_entry(error->column, error->text, true)}));
    put(o, "FinalMessages", Value(Array{}));
    put(o, "ReturnValue", Value(false));
    put(o, "ReturnCode", Value(""));
    put(o, "ReturnParams", Value(""));
  } else {
    const auto& ok = std::get<FormSuccess>(outcome);
    Array errors;
    if (success_in_errors) errors.push_back(error_entry("", ok.final_message, false));
    put(o, "Errors", Value(std::move(errors)));
    put(o, "FinalMessages", Value(Array{Value(ok.final_message)}));
    put(o, "ReturnValue", Value(true));
    put(o, "ReturnCode", Value(ok.return_code));
    put(o, "ReturnParams", Value(ok.return_params));
  }
  res.body = to_json(Value(std::move(o)));
}

void save_form_data(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto body = object_body(req, res);
  if (!body) return;
  // Every value is a string; dataRows too (JSON text inside the string).
  for (const char* key : {"formId", "ctrlValues", "parameters", "dataRows"}) {
    const Value* v = member(*body, key);
    if (v != nullptr && !v->is_null() && !v->is_string())
      return answer_message(res, 400, kInvalidRequest);
  }
  std::string form = string_member(*body, "formId");
  std::string ctrl = string_member(*body, "ctrlValues");
  std::string params = string_member(*body, "parameters");
  if (form == kContactForm) {
    auto decoded = decode_contact_form(ctrl, params);
    if (auto* error = std::get_if<FormError>(&decoded)) return answer_outcome(res, *error, false);
    return answer_outcome(res, ctx.store.save_contact(std::get<ContactWrite>(decoded)), false);
  }
  if (form == kPreInvoiceForm) {
    std::string rows = string_member(*body, "dataRows");
    auto decoded = decode_preinvoice_form(ctrl, params, rows.empty() ? "[]" : rows);
    if (auto* error = std::get_if<FormError>(&decoded)) return answer_outcome(res, *error, false);
    return answer_outcome(
        res, ctx.store.save_preinvoice(std::get<PreInvoiceWrite>(decoded), ctx.fiscal_year()),
        true);
  }
  answer_outcome(res, FormError{"FormId", "فرم " + form + " یافت نشد."}, false);
}
}  // namespace

void register_api_routes(Context& ctx) {
  auto bind = [&ctx](RouteFn fn) { return bind_route(ctx, fn); };
  auto& s = ctx.server;
  s.on("POST", "/GeneralApi/LoginUser", ctx.guarded(false, bind(login)));
  s.on("GET", "/api/Sgh/GEN/Gn_Web_Users/GetAll", ctx.guarded(true, bind(get_all)));
  s.on("POST", "/api/Sgh/GEN/Gn_Web_Users/GetAll", ctx.guarded(true, bind(get_all)));
  s.on("POST", "/BpmsApi/SaveFormData", ctx.guarded(true, bind(save_form_data)));
}

}  // namespace crmsync::sandbox::siagh
