// Bearer auth of /api/v1 and the API token file (load_or_create_api_token).
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "api_harness.h"
#include "api_sse_client.h"
#include "core/redact.h"

namespace crmsync::testing {
namespace {

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      setenv(name, value, 1);
    else
      unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      setenv(name_, old_->c_str(), 1);
    else
      unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

void expect_unauthorized(const net::HttpResponse& res) {
  EXPECT_EQ(res.status, 401) << res.body;
  EXPECT_EQ(res.header("WWW-Authenticate").value_or("").rfind("Bearer", 0), 0u);
  EXPECT_EQ(res.header("Content-Type").value_or(""), "application/json; charset=utf-8");
  Value body = ApiHarness::json(res);
  EXPECT_EQ(at(body, "error.code"), Value("unauthorized"));
  EXPECT_EQ(res.body.find(kToken), std::string::npos);
}

TEST(ApiAuth, EveryApiEndpointRefusesAMissingToken) {
  ApiHarness api;
  for (auto [method, path] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/api/v1/runs"},
                                                        {"POST", "/api/v1/runs"},
                                                        {"GET", "/api/v1/runs/1"},
                                                        {"POST", "/api/v1/runs/1/cancel"},
                                                        {"POST", "/api/v1/runs/1/retry"},
                                                        {"GET", "/api/v1/runs/1/errors"},
                                                        {"GET", "/api/v1/flows"},
                                                        {"GET", "/api/v1/connections"},
                                                        {"GET", "/api/v1/no-such-endpoint"},
                                                        {"DELETE", "/api/v1/runs"}}) {
    SCOPED_TRACE(method + " " + path);
    expect_unauthorized(api.call(method, path, "", ""));
  }
  // Nothing was queued by the refused POST.
  auto runs = api.store().runs(50);
  ASSERT_TRUE(runs);
  EXPECT_TRUE(runs->empty());
}

TEST(ApiAuth, AWrongTokenIsRefused) {
  ApiHarness api;
  expect_unauthorized(api.call("GET", "/api/v1/runs", "", "test-token-0123456789abcdeX"));
  expect_unauthorized(api.call("GET", "/api/v1/runs", "", "short"));
  expect_unauthorized(api.call("GET", "/api/v1/runs", "", std::string(kToken) + "0"));
  expect_unauthorized(api.call("POST", "/api/v1/runs", "{}", "nope-nope-nope-nope"));
  // The right token under another scheme.
  expect_unauthorized(
      api.call("GET", "/api/v1/runs", "", "", {{"Authorization", std::string("Basic ") + kToken}}));
  expect_unauthorized(api.call("GET", "/api/v1/runs", "", "", {{"Authorization", "Bearer"}}));
}

TEST(ApiAuth, ATokenInTheQueryStringIsNotAccepted) {
  ApiHarness api;
  for (const char* name : {"access_token", "token", "api_token"}) {
    SCOPED_TRACE(name);
    expect_unauthorized(
        api.call("GET", std::string("/api/v1/runs?") + name + "=" + kToken, "", ""));
  }
}

TEST(ApiAuth, TheRightTokenPassesWhateverTheSchemeCase) {
  ApiHarness api;
  EXPECT_EQ(api.call("GET", "/api/v1/flows").status, 200);
  EXPECT_EQ(
      api.call("GET", "/api/v1/flows", "", "", {{"Authorization", std::string("bearer ") + kToken}})
          .status,
      200);
}

TEST(ApiAuth, TheEventStreamRefusesAMissingOrWrongToken) {
  ApiHarness api;
  SseClient none(api.port(), "/api/v1/runs/1/events", "");
  EXPECT_EQ(none.status(), 401);
  SseClient wrong(api.port(), "/api/v1/runs/1/events", "wrong-wrong-wrong-wrong");
  EXPECT_EQ(wrong.status(), 401);
  EXPECT_NE(wrong.head().find("WWW-Authenticate: Bearer"), std::string::npos);
}

TEST(ApiAuth, HealthReadinessAndMetricsNeedNoToken) {
  ApiHarness api;
  EXPECT_EQ(api.call("GET", "/healthz", "", "").status, 200);
  EXPECT_EQ(api.call("GET", "/readyz", "", "").status, 200);
  EXPECT_EQ(api.call("GET", "/metrics", "", "").status, 200);
}

TEST(ApiToken, IsCreatedOnceWithMode0600AndReadAfter) {
  ScopedEnv env("CRMSYNC_API_TOKEN", nullptr);
  TempDir dir;
  bool created = false;
  auto token = service::load_or_create_api_token(dir.file("state.db"), created);
  ASSERT_TRUE(token) << token.error().message;
  EXPECT_TRUE(created);
  EXPECT_EQ(token->size(), 64u);  // 32 random bytes, hex
  EXPECT_EQ(token->find_first_not_of("0123456789abcdef"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(stat(dir.file("api-token").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(redact(*token), "***");  // never logged

  bool again = true;
  auto second = service::load_or_create_api_token(dir.file("state.db"), again);
  ASSERT_TRUE(second);
  EXPECT_FALSE(again);
  EXPECT_EQ(*second, *token);

  TempDir other;
  bool made = false;
  auto third = service::load_or_create_api_token(other.file("state.db"), made);
  ASSERT_TRUE(third);
  EXPECT_NE(*third, *token);
}

TEST(ApiToken, AFileOthersCanReadIsRefusedWithTheFix) {
  ScopedEnv env("CRMSYNC_API_TOKEN", nullptr);
  TempDir dir;
  dir.write("api-token", "0123456789abcdef0123456789abcdef\n");
  chmod(dir.file("api-token").c_str(), 0644);
  bool created = false;
  auto token = service::load_or_create_api_token(dir.file("state.db"), created);
  ASSERT_FALSE(token);
  EXPECT_NE(token.error().message.find("chmod 600"), std::string::npos) << token.error().message;
  EXPECT_EQ(token.error().message.find("0123456789abcdef0123"), std::string::npos);

  chmod(dir.file("api-token").c_str(), 0600);
  token = service::load_or_create_api_token(dir.file("state.db"), created);
  ASSERT_TRUE(token);
  EXPECT_EQ(*token, "0123456789abcdef0123456789abcdef");
  EXPECT_FALSE(created);
}

TEST(ApiToken, TheEnvironmentWinsAndMustBeLongEnough) {
  TempDir dir;
  bool created = true;
  {
    ScopedEnv env("CRMSYNC_API_TOKEN", "env-token-abcdefghijkl");
    auto token = service::load_or_create_api_token(dir.file("state.db"), created);
    ASSERT_TRUE(token);
    EXPECT_EQ(*token, "env-token-abcdefghijkl");
    EXPECT_FALSE(created);
    EXPECT_FALSE(std::filesystem::exists(dir.file("api-token")));
    EXPECT_EQ(redact("Bearer env-token-abcdefghijkl"), "Bearer ***");
  }
  {
    ScopedEnv env("CRMSYNC_API_TOKEN", "too-short-tok");
    auto token = service::load_or_create_api_token(dir.file("state.db"), created);
    ASSERT_FALSE(token);
    EXPECT_NE(token.error().message.find("CRMSYNC_API_TOKEN"), std::string::npos);
    EXPECT_NE(token.error().message.find("16"), std::string::npos);
    EXPECT_EQ(token.error().message.find("too-short-tok"), std::string::npos);
  }
}

TEST(ApiToken, AShortOrEmptyFileIsRefused) {
  ScopedEnv env("CRMSYNC_API_TOKEN", nullptr);
  TempDir dir;
  dir.write("api-token", "abc\n");
  chmod(dir.file("api-token").c_str(), 0600);
  bool created = false;
  auto token = service::load_or_create_api_token(dir.file("state.db"), created);
  ASSERT_FALSE(token);
  EXPECT_NE(token.error().message.find("api-token"), std::string::npos);
}

}  // namespace
}  // namespace crmsync::testing
