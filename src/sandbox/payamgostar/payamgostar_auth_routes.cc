// POST /api/v2/auth/login: a JWT for a plain password, or 401 / 403
// (locked out after repeated bad logins) / 402 (MobileApp not licensed).
#include "core/json.h"
#include "sandbox/common/json_object.h"
#include "sandbox/payamgostar/payamgostar_context.h"

namespace crmsync::sandbox::payamgostar {

namespace {
std::string string_member(const Object& o, std::string_view key) {
  const Value* v = member(o, key);
  return v && v->is_string() ? v->as_string() : "";
}

void login(Context& ctx, const net::HttpRequest& req, net::HttpResponse& res) {
  auto body = object_body(req, res);
  if (!body) return;
  std::string username = string_member(*body, "username");
  bool password_ok =
      username == ctx.options.username && string_member(*body, "password") == ctx.options.password;
  switch (ctx.auth.check_login(username, password_ok)) {
    case PgAuth::Login::locked:
      return answer_error(res, ApiError{403, "TooManyLoginAttempts", "too many login attempts"});
    case PgAuth::Login::bad_credentials:
      return answer_error(res,
                          ApiError{401, "InvalidCredentials", "نام کاربری یا رمز عبور اشتباه است"});
    case PgAuth::Login::ok:
      break;
  }
  if (!ctx.licensed("MobileApp"))
    return answer_error(res, ApiError{402, "ModuleNotAvailable", "MobileApp module not available"});
  PgAuth::Issued issued = ctx.auth.issue(username);
  // A local DateTime with its offset, as .NET writes DateTime.Now.
  res.body =
      to_json(Value(Object{{"accessToken", Value(issued.access_token)},
                           {"refreshToken", Value(issued.refresh_token)},
                           {"expiresAt", Value(pg_datetime(issued.expires_at_ms) + "+03:30")}}));
}
}  // namespace

void register_auth_routes(Context& ctx) {
  ctx.server.on("POST", "/api/v2/auth/login",
                ctx.guarded("", [&ctx](const net::HttpRequest& req, net::HttpResponse& res) {
                  login(ctx, req, res);
                }));
}

}  // namespace crmsync::sandbox::payamgostar
