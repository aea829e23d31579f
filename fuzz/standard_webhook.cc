// The Standard Webhooks verifier: the input is split into id, timestamp,
// signature header and body at 0x00 bytes. Any input is refused with a
// reason or accepted; a delivery this target signs itself with the same
// secret is always accepted, and the same one with the body changed never.
#include "net/standard_webhook.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"

namespace {

std::vector<std::string_view> split4(std::string_view in) {
  std::vector<std::string_view> parts;
  while (parts.size() < 3) {
    size_t nul = in.find('\0');
    if (nul == std::string_view::npos) break;
    parts.push_back(in.substr(0, nul));
    in.remove_prefix(nul + 1);
  }
  parts.push_back(in);
  while (parts.size() < 4) parts.insert(parts.begin(), std::string_view());
  return parts;
}

bool known_reason(const std::string& r) {
  return r == "missing_header" || r == "bad_timestamp" || r == "stale_timestamp" ||
         r == "bad_signature" || r == "signature_mismatch";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace crmsync::net;
  static const std::vector<std::string> secrets = {"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                                                   "whsec_c2Vjb25kLWtleS1mb3Itcm90YXRpb24="};
  auto parts = split4(std::string_view(reinterpret_cast<const char*>(data), size));
  const std::string_view id = parts[0], ts = parts[1], sig = parts[2], body = parts[3];
  constexpr int64_t kNow = 1'700'000'000'000'000;
  constexpr int64_t kTolerance = 300'000'000;

  StandardWebhookHeaders h{id, ts, sig};
  auto failure = verify_standard_webhook(h, body, secrets, kNow, kTolerance);
  if (failure) FUZZ_CHECK(known_reason(failure->reason), "reason %s", failure->reason.c_str());

  // Signed here with the second key, at "now": authentic, whatever the body
  // and any non-empty id (an empty one is a missing header).
  if (id.empty()) return 0;
  const std::string now_ts = "1700000000";
  const std::string good = sign_standard_webhook(secrets[1], id, now_ts, body);
  FUZZ_CHECK(!good.empty(), "the key does not sign");
  StandardWebhookHeaders signed_h{id, std::string_view(now_ts), std::string_view(good)};
  auto ok = verify_standard_webhook(signed_h, body, secrets, kNow, kTolerance);
  FUZZ_CHECK(!ok, "own signature refused: %s", ok ? ok->reason.c_str() : "");
  const std::string tampered = std::string(body) + "x";
  auto bad = verify_standard_webhook(signed_h, tampered, secrets, kNow, kTolerance);
  FUZZ_CHECK(bad && bad->reason == "signature_mismatch", "a tampered body passed");

  (void)basic_credentials(sig);
  return 0;
}
