#include <unistd.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/count_progress.h"
#include "cli/output.h"
#include "engine/target_setup.h"
#include "engine/webhook_setup.h"

namespace crmsync::cli {
namespace {

Value webhooks_json(const std::vector<WebhookSetup>& setups, bool apply) {
  Array out;
  for (const WebhookSetup& s : setups) {
    Array changes, missing;
    for (const std::string& c : s.report.to_create) changes.push_back(Value(c));
    for (const std::string& m : s.report.missing) missing.push_back(Value(m));
    Object o{{"connection", Value(s.connection)},
             {"url", Value(s.url)},
             {apply ? "changed" : "to_change", Value(std::move(changes))},
             {"missing", Value(std::move(missing))}};
    if (!s.error.empty()) o.push_back({"error", Value(s.error)});
    out.push_back(Value(std::move(o)));
  }
  return Value(std::move(out));
}

void print_webhooks(const std::vector<WebhookSetup>& setups, bool apply) {
  for (const WebhookSetup& s : setups) {
    bool nothing = s.error.empty() && s.report.to_create.empty() && s.report.missing.empty();
    outf("webhooks %s -> %s: %s\n", s.connection.c_str(), s.url.c_str(), nothing ? "ready" : "");
    if (!s.error.empty()) outf("  cannot check: %s\n", s.error.c_str());
    for (const std::string& c : s.report.to_create) {
      outf("  %s %s\n", apply ? "done:" : "to do:", c.c_str());
    }
    for (const std::string& m : s.report.missing) outf("  missing %s\n", m.c_str());
  }
}

Value setup_json(const std::vector<FlowSetup>& setups, bool apply) {
  Array out;
  for (const FlowSetup& s : setups) {
    Array to_create, missing;
    for (const std::string& c : s.report.to_create) to_create.push_back(Value(c));
    for (const std::string& m : s.report.missing) missing.push_back(Value(m));
    Object o{{"flows", Value(s.flow)},
             {"connection", Value(s.connection)},
             {"object", Value(s.object)},
             {apply ? "created" : "to_create", Value(std::move(to_create))},
             {"missing", Value(std::move(missing))}};
    if (!s.error.empty()) o.push_back({"error", Value(s.error)});
    out.push_back(Value(std::move(o)));
  }
  return Value(Object{{"applied", Value(apply)}, {"targets", Value(std::move(out))}});
}

}  // namespace

int run_setup(const Config& config, const Args& args, bool apply, bool quiet_when_ready) {
  // A big config asks many targets, one or more requests each: a live
  // count on a terminal (not for --json, --quiet, or setup inside another
  // command).
  CountProgress progress(
      !quiet_when_ready && !args.json && !args.no_progress && !args.quiet && isatty(STDERR_FILENO),
      "setup", "targets");
  auto setups = setup_targets(config, args.positional, apply,
                              [&progress](size_t done, size_t total, const std::string& target) {
                                progress.update(done, total, target);
                              });
  if (!setups) {
    int code = setups.error().message.rfind("no flow named", 0) == 0 ? kExitUsage : kExitConnection;
    return fail(code, setups.error().message);
  }
  // Webhook subscriptions after the targets: a flow's first webhook may
  // name a field that setup has just created.
  auto hooks = setup_webhooks(config, args.positional, apply);
  if (!hooks) return fail(kExitConnection, hooks.error().message);
  bool problems = false, changes = false;
  for (const FlowSetup& s : *setups) {
    problems = problems || !s.error.empty() || !s.report.missing.empty();
    changes = changes || !s.report.to_create.empty();
  }
  for (const WebhookSetup& s : *hooks) {
    problems = problems || !s.error.empty() || !s.report.missing.empty();
    changes = changes || !s.report.to_create.empty();
  }
  if (args.json && !quiet_when_ready) {
    Value out = setup_json(*setups, apply);
    out.as_object().push_back({"webhooks", webhooks_json(*hooks, apply)});
    print_json(out);
  } else if (!quiet_when_ready || problems || changes) {
    for (const FlowSetup& s : *setups) {
      bool nothing = s.error.empty() && s.report.to_create.empty() && s.report.missing.empty();
      outf("%s -> %s %s: %s\n", s.flow.c_str(), s.connection.c_str(), s.object.c_str(),
           nothing ? "ready" : "");
      if (!s.error.empty()) outf("  cannot check: %s\n", s.error.c_str());
      for (const std::string& c : s.report.to_create) {
        outf("  %s %s\n", apply ? "created" : "to create", c.c_str());
      }
      for (const std::string& m : s.report.missing) outf("  missing %s\n", m.c_str());
    }
    print_webhooks(*hooks, apply);
    if (!apply && changes) outf("run `crmsync setup` to create them\n");
  }
  if (problems) {
    return fail(kExitConnection,
                "the targets lack what the flows need (listed above); create it there, or change "
                "the mapping");
  }
  return kExitOk;
}

int cmd_setup(const Args& args) {
  auto config = load_valid_config(args);
  if (!config) return kExitUsage;
  return run_setup(*config, args, !args.check, false);
}

}  // namespace crmsync::cli
