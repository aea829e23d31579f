#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <random>
#include <string>

#include "core/value.h"
#include "sandbox/salesforce/router.h"

namespace crmsync::sandbox::salesforce {

struct SandboxState;
class CdcLog;

// The Streaming API's Bayeux (CometD 1.0) endpoint, long polling only, as
// jsforce's Faye client and the crmsync connector use it: one POST of a JSON
// array of messages to /cometd/{ver}, answered with an array of replies (and
// events, before the /meta/connect reply). Channels: /data/ChangeEvents and
// /data/<Object>ChangeEvent, with the replay extension.
//
// Threads: handle() runs on server workers; a /meta/connect waits on the
// CDC log at most the advice timeout, never when `max_waiting` long polls
// already hold workers (it then answers at once with an interval), and ends
// at once on shutdown().
class CometdServer {
 public:
  CometdServer(SandboxState& s, CdcLog& log, int64_t timeout_ms, size_t max_waiting);

  void handle(Call& c);
  void shutdown();
  // Cuts the stream off (every request reset, waiting long polls woken and
  // reset) or restores it.
  void set_down(bool down);

 private:
  struct Client {
    std::string user_id;
    std::map<std::string, int64_t> subscriptions;  // channel -> last replay id delivered
    bool connected = false;                        // first /meta/connect answered
    std::chrono::steady_clock::time_point last_seen;
  };

  std::string handshake(const Value& m, const std::string& auth_error, const std::string& user);
  std::string subscribe(const Value& m, const std::string& client_id, bool unsubscribe);
  std::string disconnect(const Value& m, const std::string& client_id);
  std::string connect(const Value& m, const std::string& client_id);
  // The event messages due to `client_id`; advances its cursors. False when
  // the client is gone.
  bool deliver(const std::string& client_id, std::string& out, size_t& count);
  std::string new_client_id();

  SandboxState& s_;
  CdcLog& log_;
  int64_t timeout_ms_;
  size_t max_waiting_;
  std::atomic<size_t> waiting_{0};
  std::atomic<bool> down_{false};
  std::mutex mutex_;
  std::map<std::string, Client> clients_;
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace crmsync::sandbox::salesforce
