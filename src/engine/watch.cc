// `crmsync watch`: flows with `trigger: cdc` kept in sync from their
// source's change stream (SyncEngine::watch in engine.h).
#include <thread>

#include "engine/engine.h"
#include "engine/flow_locks.h"
#include "engine/flow_runner.h"

namespace crmsync {
namespace {

struct Watched {
  std::unique_ptr<FlowRuntime> rt;
  std::unique_ptr<ChangeSubscription> sub;
};

void pause(std::chrono::milliseconds d, const std::atomic<bool>& stop) {
  auto until = std::chrono::steady_clock::now() + d;
  while (!stop && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

std::string counts_text(const FlowCounts& c) {
  return std::to_string(c.created) + " created, " + std::to_string(c.updated) + " updated, " +
         std::to_string(c.deleted) + " deleted, " + std::to_string(c.skipped) + " unchanged, " +
         std::to_string(c.failed) + " failed";
}

}  // namespace

Status SyncEngine::watch(const WatchOptions& options, const std::atomic<bool>& stop) {
  auto log = [&](const std::string& line) {
    if (options.log) options.log(line);
  };
  std::vector<Watched> flows;
  std::vector<std::string> names;
  for (const FlowConfig& f : config_.flows) {
    bool asked = options.flows.empty() || std::find(options.flows.begin(), options.flows.end(),
                                                    f.name) != options.flows.end();
    if (!asked) continue;
    if (!f.trigger.cdc) {
      if (!options.flows.empty())
        return Error(ErrorKind::fatal, "flow " + f.name + " has no `trigger: {cdc: true}`");
      continue;
    }
    auto rt = prepare(f, RunOptions{});
    if (!rt) return rt.error();
    if (!(*rt)->source_caps.subscribe) {
      return Error(ErrorKind::fatal, "flow " + f.name + ": connection " + f.source.connection +
                                         " cannot subscribe to changes (trigger: cdc)");
    }
    names.push_back(f.name);
    flows.push_back(Watched{std::move(*rt), nullptr});
  }
  for (const std::string& name : options.flows) {
    if (!config_.flow(name)) return Error(ErrorKind::fatal, "no flow named " + name);
  }
  if (flows.empty()) return Error(ErrorKind::fatal, "no flow has `trigger: {cdc: true}`");

  auto subscribe = [&](Watched& w) -> Status {
    if (w.sub) w.sub->close();
    w.sub.reset();
    auto position = store_.stream_position(w.rt->name());
    if (!position) return position.error();
    SubscribeRequest req{w.rt->config->source.object, *position, &stop};
    auto sub = w.rt->source->subscribe(req);
    if (!sub) return sub.error().with_context("flow " + w.rt->name() + ": subscribing");
    w.sub = std::move(*sub);
    return {};
  };
  auto catch_up = [&](std::vector<std::string> which) -> Status {
    RunOptions ro;
    ro.flows = std::move(which);
    ro.trigger = "watch";
    // A scheduled or hand-started run of the flow goes first; stopping
    // stops the wait (and the catch-up at its next batch boundary).
    ro.lock_wait_micros = -1;
    ro.cancelled = [&stop] { return stop.load(); };
    auto report = run(ro);
    if (!report) return report.error();
    for (const auto& [name, fr] : report->flows) {
      log("flow " + name + ": cursor run: " + counts_text(fr.counts) +
          (fr.error.empty() ? "" : "; stopped: " + fr.error));
      if (!fr.error.empty() && fr.error_kind != ErrorKind::retryable)
        return Error(fr.error_kind, "flow " + name + ": " + fr.error);
    }
    return {};
  };

  // Subscribing first anchors "changes from now" before the catch-up read
  // starts: a change made during the read arrives as a hint as well.
  for (Watched& w : flows) {
    if (Status s = subscribe(w); !s) return s;
  }
  if (Status s = catch_up(names); !s) return s;

  auto run_id = store_.begin_run("watch", clock_.now_micros());
  if (!run_id) return run_id.error();
  RunOptions run_options;
  run_options.trigger = "watch";
  Status result;
  while (!stop && result) {
    for (Watched& w : flows) {
      if (stop) break;
      const std::string& name = w.rt->name();
      if (!w.sub) {
        // The last subscribe failed (retryably): no subscription to poll
        // until one succeeds.
        if (Status s = subscribe(w); !s) {
          if (s.error().kind != ErrorKind::retryable) {
            result = s;
            break;
          }
          log("flow " + name + ": change stream unavailable, retrying: " + s.error().message);
          pause(std::chrono::seconds(5), stop);
          continue;
        }
      }
      auto batch = w.sub->poll(options.poll_timeout);
      if (!batch) {
        if (batch.error().kind != ErrorKind::retryable) {
          result = batch.error().with_context("flow " + name);
          break;
        }
        log("flow " + name + ": change stream unavailable, retrying: " + batch.error().message);
        pause(std::chrono::seconds(5), stop);
        if (Status s = subscribe(w); !s && s.error().kind != ErrorKind::retryable) result = s;
        continue;
      }
      if (!batch->hints.empty()) {
        // One run of a flow at a time: the hints wait for a run that holds it.
        FlowLocks lock(store_, clock_, {name});
        auto taken = lock.acquire(*run_id, 0);
        if (!taken && is_lock_refusal(taken.error())) {
          log("flow " + name + ": another run holds the flow; its changes wait for it");
          taken = lock.acquire(*run_id, -1, [&stop] { return stop.load(); });
        }
        if (!taken) {
          result = taken.error();
          break;
        }
        if (!*taken) break;  // stopping
        FlowRunner runner(*w.rt, store_, clock_, run_options, *run_id, progress_);
        Status s = runner.sync_hints(batch->hints, batch->hints.back().position);
        lock.release();
        if (!s) {
          if (s.error().kind != ErrorKind::retryable) {
            result = s.error().with_context("flow " + name);
            break;
          }
          // The position did not move: hear these changes again.
          log("flow " + name + ": " + s.error().message + "; retrying");
          pause(std::chrono::seconds(2), stop);
          if (Status r = subscribe(w); !r && r.error().kind != ErrorKind::retryable) result = r;
          continue;
        }
        log("flow " + name + ": " + std::to_string(batch->hints.size()) + " changes -> " +
            counts_text(runner.counts()) + " (position " + batch->hints.back().position + ")");
      }
      if (batch->gap) {
        // Forget the position, subscribe from now, then read with the
        // cursor: whatever the gap hid is either in the read or after the
        // new subscription started.
        log("flow " + name + ": change stream gap, catching up with a cursor run");
        BatchCommit forget;
        forget.flow = name;
        forget.stream_position = "";
        if (Status s = store_.commit(forget); !s) {
          result = s;
          break;
        }
        if (Status s = subscribe(w); !s) {
          result = s;
          break;
        }
        if (Status s = catch_up({name}); !s) {
          result = s;
          break;
        }
      }
    }
  }
  for (Watched& w : flows) {
    if (w.sub) w.sub->close();
  }
  RunStatus status = result ? RunStatus::succeeded : RunStatus::failed;
  if (Status s = store_.end_run(*run_id, status, result ? "" : result.error().message,
                                clock_.now_micros());
      !s && result) {
    return s;
  }
  return result;
}

}  // namespace crmsync
