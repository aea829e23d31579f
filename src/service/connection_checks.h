#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "core/clock.h"
#include "net/api_observer.h"
#include "service/control.h"
#include "service/service_log.h"
#include "state/state_store.h"

namespace crmsync::service {

// Checks every connection of a config (create it, Connection::check) on a
// thread of its own, so a slow or unreachable system never holds up start
// or reload, and keeps each one's last result for GET /connections. A new
// config while checks go on: the rest are checked on the new one.
class ConnectionChecks {
 public:
  // `api_observer` (may be null) sees every API answer of their connections.
  ConnectionChecks(Clock& clock, StateStore& store, ServiceLog& log,
                   net::ApiObserver* api_observer);
  ~ConnectionChecks();

  void check_all(std::shared_ptr<const Config> config);
  // The last result of each connection of `config` (unchecked ones with
  // checked_at 0).
  std::vector<ConnectionStatus> statuses(const Config& config);
  // Checks `c` now, on the caller's thread, and keeps the result.
  ConnectionStatus check_now(const Config& config, const ConnectionConfig& c);
  void stop();  // joins (waits for a check going on)

 private:
  void loop();
  ConnectionStatus check_one(const Config& config, const ConnectionConfig& c);

  Clock& clock_;
  StateStore& store_;
  ServiceLog& log_;
  net::ApiObserver* api_observer_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<const Config> pending_;
  bool stop_ = false;
  std::map<std::string, ConnectionStatus> results_;
  std::thread thread_;
};

}  // namespace crmsync::service
