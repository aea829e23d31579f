#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include "connectors/connector.h"
#include "connectors/salesforce/salesforce_client.h"
#include "core/value.h"
#include "net/http_client.h"

namespace crmsync {

// Change Data Capture over the Streaming API: a Bayeux (CometD 1.0) client,
// long polling on its own HTTP connection to {instance}/cometd/{version},
// subscribed to /data/<Object>ChangeEvent with the replay extension (the
// request's position, or -1 for new events only). Each event becomes one
// hint; its replay id is the hint's position.
//
// Recovery: `advice.reconnect: handshake` or a lost connection hands-shakes
// again and resubscribes from the last position handed out; a 401 renews the
// session through the connection's SalesforceClient (once in a row), then
// hand-shakes again; transport failures and 5xx back off (0.5 s doubling to
// 30 s, on the connection's injectable Clock) and give up as a retryable Error after 8 in a row. A
// replay id the service no longer retains ("400::The replayId {N} you provided was invalid..."), a
// GAP_OVERFLOW event, or a reconnect before any event was seen (nothing to resume from) is reported
// as ChangeBatch::gap.
class SalesforceCdcSubscription final : public ChangeSubscription {
 public:
  SalesforceCdcSubscription(SalesforceClient& client, std::string api_version, double timeout_secs,
                            bool verify_tls, SubscribeRequest request);
  ~SalesforceCdcSubscription() override;

  // Hand-shakes and subscribes, so that "new events only" starts now.
  Status start();
  Result<ChangeBatch> poll(std::chrono::milliseconds timeout) override;
  void close() override;

 private:
  enum class Outcome { ok, retry, gap };
  // One Bayeux round trip: the reply messages.
  Result<Array> exchange(const std::string& messages, double timeout_secs);
  Result<Outcome> handshake();
  Result<Outcome> subscribe();
  Result<Outcome> connect(int64_t wait_ms, ChangeBatch& batch);
  // A failed reply: what to do about it (renew, hand-shake again, give up).
  Result<Outcome> failed(const Value& reply, const char* step);
  // After a failed step: renews the session on an HTTP 401 (once in a
  // row), backs off on a transient failure; the error otherwise.
  Status recover(const Error& e);
  // Counts a transient failure and sleeps its backoff; the error once there
  // were too many in a row.
  Status back_off(const Error& e);
  // Waits `secs` on the connection's clock, or until the subscription stops.
  void pause(double secs);
  bool stopped() const { return request_.stop != nullptr && request_.stop->load(); }
  std::string next_id() { return std::to_string(next_id_++); }

  SalesforceClient& client_;
  std::string api_version_;
  double timeout_secs_;
  bool verify_tls_;
  SubscribeRequest request_;
  std::string channel_;
  net::HttpClient http_;
  std::string access_token_;
  std::string cometd_url_;
  std::string client_id_;
  bool subscribed_ = false;
  bool ever_subscribed_ = false;
  bool gap_ = false;       // found while (re)subscribing: the next poll reports it
  bool finished_ = false;  // a gap was reported
  std::string position_;   // replay id of the last event handed out
  bool renewed_ = false;   // renewed the session since the last good reply
  int failures_ = 0;       // transient failures in a row
  int64_t server_timeout_ms_ = 110000;
  uint64_t next_id_ = 1;
};

}  // namespace crmsync
