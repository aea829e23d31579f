// Fault injection (5xx, 429, resets, slow answers) and the request log,
// which never holds the SessionId.
#include <chrono>

#include "siagh_fixture.h"

namespace crmsync::sandbox::siagh::testing {
namespace {

TEST_F(SiaghTest, InjectedFaultsAnswerApiRoutesButNeverAdmin) {
  std::string sid = session();
  ASSERT_EQ(call("POST", "/__admin/faults", R"({"rate_500":1})", "").status, 200);
  Answer a = call("POST", "/api/Sgh/GEN/Gn_Web_Users/GetAll", "{}", sid);
  EXPECT_EQ(a.status, 500);
  EXPECT_EQ(a["Message"].as_string(), "An error has occurred.");
  EXPECT_EQ(login().status, 500) << "login is faulted too";
  EXPECT_EQ(call("GET", "/__admin/contacts", "", "").status, 200);

  call("POST", "/__admin/faults", R"({"rate_429":1})", "");
  Answer limited = call("POST", "/BpmsApi/SaveFormData", "{}", sid);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.response.header("retry-after").value_or(""), "1");

  call("POST", "/__admin/faults", R"({"rate_503":1})", "");
  EXPECT_EQ(call("GET", "/api/Sgh/GEN/Gn_Web_Users/GetAll", "", sid).status, 503);

  call("POST", "/__admin/faults", R"({"reset_rate":1})", "");
  EXPECT_TRUE(call("GET", "/api/Sgh/GEN/Gn_Web_Users/GetAll", "", sid).transport_failed);

  call("POST", "/__admin/faults", R"({"latency_ms":150})", "");
  auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(call("GET", "/api/Sgh/GEN/Gn_Web_Users/GetAll", "", sid).status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(150));

  EXPECT_EQ(call("POST", "/__admin/faults", R"({"rate_500":2})", "").status, 400);
  EXPECT_EQ(call("GET", "/__admin/faults", "", "")["latency_ms"].as_int(), 150);
}

TEST_F(SiaghTest, TheRequestLogCountsEndpointsAndNeverHoldsTheSession) {
  std::string sid = session();
  call("POST", "/api/Sgh/GEN/Gn_Web_Users/GetAll", "{}", sid);
  call("POST", "/api/Sgh/GEN/Gn_Web_Users/GetAll", "{}", sid);
  call("POST", "/BpmsApi/SaveFormData", "{}", "");
  Answer counters = call("GET", "/__admin/counters", "", "");
  EXPECT_EQ(counters["POST /api/Sgh/GEN/Gn_Web_Users/GetAll"].as_int(), 2)
      << counters.response.body;
  EXPECT_EQ(counters["POST /GeneralApi/LoginUser"].as_int(), 1);
  Answer log = call("GET", "/__admin/requests?limit=10", "", "");
  EXPECT_EQ(log.response.body.find(sid), std::string::npos);
  const Array& requests = log["requests"].as_array();
  ASSERT_GE(requests.size(), 4u);
  EXPECT_EQ(requests[1].find("client")->as_string(), "session");
  EXPECT_EQ(requests[3].find("status")->as_int(), 401);
  EXPECT_EQ(call("GET", "/no/such/route", "", sid).status, 404);
}

}  // namespace
}  // namespace crmsync::sandbox::siagh::testing
