#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/result.h"
#include "sandbox/common/fault_injector.h"

namespace crmsync::sandbox::siagh {

struct SiaghSandboxOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 picks a free port
  // The one user (the name may be Persian and must match exactly); clients
  // send the password as the upper-case hex MD5 of its UTF-8 bytes.
  std::string user_name = "admin";
  std::string password = "demo-password";
  // A session ends after this long unused (undocumented; guessed); 0 never.
  int64_t session_idle_secs = 1800;
  // The fiscal year pre-invoices must name (salmali); 0: the Jalali year of
  // the sandbox's clock in Tehran.
  int64_t fiscal_year = 0;
  int seed_records = 0;  // contacts, persons and organizations alternating
  FaultConfig faults;
  size_t threads = 16;
  // Sandbox time in epoch seconds; the system clock when empty.
  std::function<int64_t()> clock;
};

// A local, stateful emulator of Siagh's web API (the finance system of
// story S1): LoginUser, Gn_Web_Users/GetAll and BpmsApi/SaveFormData for
// contacts and sales pre-invoices, admin at /__admin. Construct, start(),
// use port(), stop(); the destructor stops.
class SiaghSandbox {
 public:
  explicit SiaghSandbox(SiaghSandboxOptions options);
  ~SiaghSandbox();
  SiaghSandbox(const SiaghSandbox&) = delete;
  SiaghSandbox& operator=(const SiaghSandbox&) = delete;

  Status start();
  void stop();
  int port() const;
  std::string base_url() const;

  struct Context;

 private:
  std::unique_ptr<Context> ctx_;
};

// The password as Siagh's login takes it: upper-case hex MD5 of the bytes.
std::string siagh_password_hash(std::string_view password);

}  // namespace crmsync::sandbox::siagh
