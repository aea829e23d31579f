#include "service/connection_checks.h"

#include "connectors/registry.h"
#include "core/redact.h"
#include "engine/stored_secrets.h"

namespace crmsync::service {

ConnectionChecks::ConnectionChecks(Clock& clock, StateStore& store, ServiceLog& log,
                                   net::ApiObserver* api_observer)
    : clock_(clock), store_(store), log_(log), api_observer_(api_observer) {}

ConnectionChecks::~ConnectionChecks() {
  stop();
}

void ConnectionChecks::check_all(std::shared_ptr<const Config> config) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stop_) return;
  pending_ = std::move(config);
  if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
  cv_.notify_all();
}

void ConnectionChecks::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

std::vector<ConnectionStatus> ConnectionChecks::statuses(const Config& config) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ConnectionStatus> out;
  for (const ConnectionConfig& c : config.connections) {
    auto it = results_.find(c.name);
    if (it != results_.end() && it->second.type == c.type) {
      out.push_back(it->second);
    } else {
      out.push_back(ConnectionStatus{c.name, c.type, 0, false, "not checked yet"});
    }
  }
  return out;
}

ConnectionStatus ConnectionChecks::check_one(const Config& config, const ConnectionConfig& c) {
  ConnectionStatus st{c.name, c.type, 0, false, ""};
  auto resolved = with_stored_secrets(c, store_);
  Status s;
  if (!resolved) {
    s = resolved.error();
  } else {
    auto conn =
        ConnectorRegistry::instance().create(*resolved, ConnectorContext{config.dir, &clock_});
    s = conn ? (*conn)->check() : Status(conn.error());
  }
  st.checked_at = clock_.now_micros();
  st.ok = s.ok();
  if (!s) st.message = scrub(s.error().message);
  return st;
}

ConnectionStatus ConnectionChecks::check_now(const Config& config, const ConnectionConfig& c) {
  ConnectionStatus st = check_one(config, c);
  std::lock_guard<std::mutex> lock(mu_);
  results_[st.name] = st;
  return st;
}

void ConnectionChecks::loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stop_ || pending_ != nullptr; });
    if (stop_) return;
    std::shared_ptr<const Config> config = std::move(pending_);
    pending_.reset();
    for (const ConnectionConfig& c : config->connections) {
      if (stop_ || pending_) break;  // a newer config is checked from its start
      lock.unlock();
      ConnectionStatus st = check_one(*config, c);
      if (st.ok) {
        log_.info("connection_ok", {{"connection", Value(st.name)}});
      } else {
        log_.warn("connection_failed",
                  {{"connection", Value(st.name)}, {"message", Value(st.message)}});
      }
      lock.lock();
      results_[st.name] = std::move(st);
    }
  }
}

}  // namespace crmsync::service
