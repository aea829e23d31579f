// `crmsync serve`: runs every flow's trigger until SIGTERM/SIGINT (service/
// service.h); SIGHUP reloads the config. Signals only write a byte to a
// pipe; this thread reads it and does the work.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <future>

#include "cli/commands.h"
#include "cli/output.h"
#include "core/json.h"
#include "service/api.h"
#include "service/dashboard_routes.h"
#include "service/service.h"

namespace crmsync::cli {
namespace {

// SIGTERM lets the batches being written commit and marks the runs
// interrupted; a call hanging in an API past this is left to the
// dead-owner rule (the next start marks its run interrupted and resumes it).
constexpr auto kStopLimit = std::chrono::seconds(9);

int g_signal_pipe[2] = {-1, -1};

extern "C" void on_serve_signal(int sig) {
  int saved = errno;
  char c = sig == SIGHUP ? 'H' : 'T';
  ssize_t n = ::write(g_signal_pipe[1], &c, 1);
  (void)n;  // a full pipe already holds a byte that wakes the reader
  errno = saved;
}

bool install_signal_pipe(std::string& error) {
  if (::pipe(g_signal_pipe) != 0) {
    error = "cannot create the signal pipe";
    return false;
  }
  for (int fd : g_signal_pipe) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  ::fcntl(g_signal_pipe[1], F_SETFL, O_NONBLOCK);
  struct sigaction sa {};
  sa.sa_handler = on_serve_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaction(sig, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  return true;
}

// Blocks until a signal: 'T' (stop) or 'H' (reload).
char next_signal() {
  char c = 0;
  while (true) {
    ssize_t n = ::read(g_signal_pipe[0], &c, 1);
    if (n == 1) return c;
    if (n < 0 && errno == EINTR) continue;
    return 'T';  // the pipe broke: stop rather than run unsteerable
  }
}

}  // namespace

int cmd_serve(const Args& args) {
  // Every problem as `validate` prints it, exit 2, before anything starts.
  auto config = load_valid_config(args);
  if (!config) return kExitUsage;

  service::ServeOptions o;
  o.config_path = args.config;
  o.params = args.params;
  if (auto it = args.values.find("listen"); it != args.values.end()) o.listen = it->second;
  std::string err;
  auto workers = args.int_option("workers", 1, 1, 64, err);
  if (!workers) return fail(kExitUsage, err);
  o.workers = static_cast<size_t>(*workers);
  auto cert = args.values.find("tls-cert");
  auto key = args.values.find("tls-key");
  if ((cert == args.values.end()) != (key == args.values.end())) {
    return fail(kExitUsage, "--tls-cert and --tls-key go together");
  }
  if (cert != args.values.end()) {
    o.tls_cert_file = cert->second;
    o.tls_key_file = key->second;
  }

  // The API's bearer token: CRMSYNC_API_TOKEN, else a file beside the
  // state store, created on first start; its path (never the token) is
  // told once, when it is created.
  bool token_created = false;
  auto token = service::load_or_create_api_token(config->state.path, token_created);
  if (!token) return fail(kExitUsage, token.error().message);
  if (token_created) {
    std::string line = "{\"level\":\"info\",\"event\":\"api_token_created\",\"path\":";
    append_json_string(service::api_token_path(config->state.path), line);
    line +=
        ",\"message\":\"the API token was written to this file (mode 0600); send it as "
        "Authorization: Bearer TOKEN\"}\n";
    ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
    (void)n;
  }
  o.api_token = *token;
  // The dashboard's logins live as long as the process (a restart logs
  // everyone out); their idle expiry runs on the system clock.
  static SystemClock session_clock;
  auto sessions = std::make_shared<service::DashboardSessions>(session_clock);
  bool tls = !o.tls_cert_file.empty();
  o.register_routes = [api_token = *token, sessions, tls](net::HttpServer& server,
                                                          service::ServiceControl& control,
                                                          service::Metrics& metrics) {
    service::register_api(server, control, metrics, service::ApiOptions{api_token, sessions, tls});
    service::register_dashboard(server, service::DashboardOptions{api_token, sessions, tls});
  };

  set_process_role("crmsync serve");  // who holds its runs and flow locks
  if (!install_signal_pipe(err)) return fail(kExitConnection, err);
  auto created = service::Service::create(o);
  if (!created) return fail(kExitConnection, created.error().message);
  service::Service& svc = **created;
  if (Status s = svc.start(); !s) {
    svc.stop();
    return fail(kExitConnection, s.error().message);
  }
  while (next_signal() == 'H') (void)svc.reload();  // reload logs its errors

  // Stop on another thread: if it outlasts the limit (a call hanging in an
  // API), the process exits anyway.
  auto stopped = std::async(std::launch::async, [&svc] { svc.stop(); });
  if (stopped.wait_for(kStopLimit) != std::future_status::ready) {
    std::string line =
        "{\"level\":\"error\",\"event\":\"stop_timeout\",\"message\":\"runs did not stop within " +
        std::to_string(kStopLimit.count()) +
        " s; exiting, the next start marks them interrupted and resumes them\"}\n";
    ssize_t n = ::write(STDERR_FILENO, line.data(), line.size());
    (void)n;
    std::_Exit(kExitOk);
  }
  return kExitOk;
}

}  // namespace crmsync::cli
