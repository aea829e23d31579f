// `crmsync connect CONNECTION`: the OAuth web-server flow of a connection
// that logs in through the browser (connectors/oauth_web_flow.h: Salesforce
// with auth: web_server). Prints the authorize URL, waits on
// 127.0.0.1:redirect_port for the browser's redirect, checks its state,
// exchanges the code and stores the refresh token encrypted in the state
// store, where `crmsync run` finds it (engine/stored_secrets.h). serve's
// dashboard runs the same flow with its own /oauth/callback.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>

#include "cli/commands.h"
#include "cli/output.h"
#include "connectors/oauth_web_flow.h"
#include "engine/stored_secrets.h"
#include "net/http_server.h"
#include "state/secret_cipher.h"

namespace crmsync::cli {
namespace {

// What the browser's redirect brought.
struct Redirect {
  std::string code, state, error, error_description;
};

// Waits for one GET /callback and answers the browser with a short page.
class RedirectCatcher {
 public:
  void on(net::HttpServer& server) {
    server.on("GET", "/callback", [this](const net::HttpRequest& req, net::HttpResponse& res) {
      Redirect r;
      r.code = req.query_param("code").value_or("");
      r.state = req.query_param("state").value_or("");
      r.error = req.query_param("error").value_or("");
      r.error_description = req.query_param("error_description").value_or("");
      res.content_type = "text/html;charset=UTF-8";
      res.body = r.error.empty() && !r.code.empty()
                     ? "<!DOCTYPE html><p>crmsync received the authorization. You can close this "
                       "tab and return to the terminal.</p>"
                     : "<!DOCTYPE html><p>crmsync: the authorization failed; see the terminal.</p>";
      std::lock_guard lock(mutex_);
      if (!got_) got_ = std::move(r);
      cv_.notify_all();
    });
  }
  std::optional<Redirect> wait(std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, timeout, [&] { return got_.has_value(); });
    return got_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<Redirect> got_;
};

}  // namespace

int cmd_connect(const Args& args) {
  if (args.positional.size() != 1) return fail(kExitUsage, "usage: crmsync connect CONNECTION");
  const std::string& name = args.positional[0];
  auto config = load_valid_config(args);
  if (!config) return kExitUsage;
  const ConnectionConfig* cfg = config->connection(name);
  if (cfg == nullptr) return fail(kExitUsage, "no connection named '" + name + "'");
  if (!uses_oauth_web_flow(*cfg)) {
    return fail(kExitUsage, "connection '" + name +
                                "': crmsync connect logs in connections of type salesforce or "
                                "pipedrive with auth: web_server");
  }
  std::string error;
  auto timeout = args.int_option("timeout-secs", 300, 1, 86400, error);
  if (!timeout) return fail(kExitUsage, error);
  // Refuse before the browser step: the token could not be stored anyway.
  if (auto key = secret_key_from_env(); !key) return fail(kExitUsage, key.error().message);
  auto store = open_store(*config);
  if (!store) return kExitConnection;
  auto flow = make_oauth_web_flow(*cfg, ConnectorContext{config->dir});
  if (!flow) return fail(kExitUsage, flow.error().message);

  RedirectCatcher catcher;
  net::HttpServerOptions server_options;
  server_options.threads = 2;
  net::HttpServer server(server_options);
  catcher.on(server);
  int port = (*flow)->redirect_port();
  if (Status s = server.listen("127.0.0.1", port); !s) {
    return fail(kExitConnection, "cannot listen on 127.0.0.1:" + std::to_string(port) +
                                     " for the redirect: " + s.error().message);
  }
  std::string redirect_uri = "http://localhost:" + std::to_string(server.port()) + "/callback";
  OAuthAuthorization authz = (*flow)->begin(redirect_uri);
  if (Status s = server.start(); !s) return fail(kExitConnection, s.error().message);
  outf(
      "Open this URL in a browser and log in to Salesforce (the connected app's callback URL "
      "must be %s):\n%s\nwaiting up to %ld s for the redirect...\n",
      redirect_uri.c_str(), authz.url.c_str(), *timeout);
  std::fflush(stdout);
  auto redirect = catcher.wait(std::chrono::seconds(*timeout));
  server.stop();
  if (!redirect)
    return fail(kExitConnection, "no redirect came within " + std::to_string(*timeout) + " s");
  if (!redirect->error.empty()) {
    return fail(kExitConnection, "Salesforce refused the authorization: " + redirect->error + ": " +
                                     redirect->error_description);
  }
  // A redirect with another state was not started by this command (a
  // forged or stale link): its code must not become this connection's.
  if (redirect->state != authz.state || redirect->code.empty()) {
    return fail(kExitConnection,
                "the redirect's state does not match this authorization request; nothing stored");
  }
  auto token = (*flow)->finish(authz, redirect->code);
  if (!token) return fail(kExitConnection, token.error().message);
  int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  if (Status s =
          (*store).put_secret(connection_secret_name(name, (*flow)->token_option()), *token, now);
      !s) {
    return fail(kExitConnection, s.error().message);
  }
  outf("connected %s: the refresh token is stored encrypted in %s\n", name.c_str(),
       config->state.path.c_str());
  return kExitOk;
}

}  // namespace crmsync::cli
