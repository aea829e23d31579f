#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include "core/result.h"
#include "sandbox/common/fault_injector.h"
#include "sandbox/common/webhook_dispatcher.h"

namespace crmsync::sandbox::payamgostar {

struct PayamgostarSandboxOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 picks a free port
  std::string username = "admin";
  std::string password = "demo-password";  // sent plain by clients
  // Access tokens live this long (the vendor's default session: 30 min).
  int64_t token_ttl_secs = 1800;
  // Consecutive bad logins of a user that lock it, and for how long
  // (the vendor's numbers are unpublished; guessed).
  int lockout_after = 5;
  int64_t lockout_secs = 900;
  // Modules not licensed: "MobileApp" (login answers 402) or a crmobject
  // type ("quote", "product", "person", ...: its routes answer 402).
  std::set<std::string> unlicensed;
  // The item types' display names: webhooks' `subtype`, `identityTypeName`.
  std::string person_type_name = "مخاطب حقیقی";
  std::string organization_type_name = "مخاطب حقوقی";
  std::string quote_type_name = "پیش فاکتور فروش";
  int seed_records = 0;  // persons and organizations, and a few products
  FaultConfig faults;
  // Paused delivery, duplicates, shuffled order (POST /__admin/webhook_delivery);
  // deliveries are never retried.
  DeliveryControls webhook_delivery;
  size_t threads = 16;
  // Sandbox time in epoch milliseconds; the system clock when empty.
  std::function<int64_t()> clock_ms;
};

// A local, stateful emulator of Payamgostar's REST API v2 (the CRM of story
// S1): JWT login, crmobject persons, organizations, quotes and products,
// identity search, and query-only GET webhooks to registered URLs; admin
// at /__admin. Construct, start(), use port(), stop().
class PayamgostarSandbox {
 public:
  explicit PayamgostarSandbox(PayamgostarSandboxOptions options);
  ~PayamgostarSandbox();
  PayamgostarSandbox(const PayamgostarSandbox&) = delete;
  PayamgostarSandbox& operator=(const PayamgostarSandbox&) = delete;

  Status start();
  void stop();
  int port() const;
  std::string base_url() const;
  // Registers a webhook as POST /__admin/webhooks does ({"url","type",
  // "events"}); rejected errors say what is wrong.
  Status add_webhook(std::string_view json);

  struct Context;

 private:
  std::unique_ptr<Context> ctx_;
};

}  // namespace crmsync::sandbox::payamgostar
