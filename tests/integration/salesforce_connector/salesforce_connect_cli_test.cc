// `crmsync connect` (the real binary) against the sandbox, driven like a
// browser: the printed authorize URL, the login form, the redirect to the
// command's local listener; then `crmsync run` syncs with the refresh token
// it stored encrypted, and refuses clearly without the right key.
#include <fcntl.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
// The test reads HTML forms with std::regex; GCC 12 reports false
// "maybe-uninitialized" warnings inside it (GCC bug 105562).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <regex>
#include <sstream>
#include <thread>

#include "core/base64.h"
#include "net/http_client.h"
#include "net/url.h"
#include "sf_test_env.h"
#include "support/process.h"
#include "support/run_command.h"
#include "support/sqlite_probe.h"
#include "support/temp_dir.h"

namespace crmsync {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

net::HttpResponse send(const std::string& method, const std::string& url,
                       const std::string& form = "") {
  net::HttpClient http;
  net::HttpClientRequest req;
  req.method = method;
  req.url = url;
  if (!form.empty()) req.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  req.body = form;
  auto res = http.send(req);
  EXPECT_TRUE(res.ok()) << (res.ok() ? "" : res.error().message);
  return res.ok() ? *res : net::HttpResponse{};
}

// What a browser submits for the login form: its hidden fields plus the
// credentials typed in.
std::string login_form_body(const std::string& html) {
  net::QueryBuilder body;
  std::regex input("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), input);
       it != std::sregex_iterator(); ++it) {
    std::string v = (*it)[2];
    for (size_t at; (at = v.find("&amp;")) != std::string::npos;) v.replace(at, 5, "&");
    body.add((*it)[1].str(), v);
  }
  body.add("username", "demo@example.com").add("pw", "demo");
  return body.query();
}

class SalesforceConnectCli : public ::testing::Test {
 protected:
  void SetUp() override {
    sandbox::salesforce::SalesforceSandboxOptions o;
    o.seed_records = 25;
    sb = testing::start_sf_sandbox(o);
    dir.write("crmsync.yaml", R"(connections:
  sf:
    type: salesforce
    auth: web_server
    login_url: )" + sb->base_url() +
                                  R"(
    client_id: demo-client
    client_secret: demo-secret
    redirect_port: 0
  copy: {type: sqlite, path: copy.db}
flows:
  contacts:
    source: {connection: sf, object: Contact}
    target: {connection: copy, object: contacts, id_field: id}
    mapping:
      last: LastName
)");
    setenv("CRMSYNC_SECRET_KEY", key.c_str(), 1);
  }
  void TearDown() override { unsetenv("CRMSYNC_SECRET_KEY"); }

  std::string crmsync(const std::string& args) {
    return std::string(CRMSYNC_BINARY) + " -c " + dir.file("crmsync.yaml") + " " + args;
  }

  const std::string key = base64_encode(std::string(32, '\x42'));
  testing::TempDir dir;
  std::unique_ptr<sandbox::salesforce::SalesforceSandbox> sb;
};

TEST_F(SalesforceConnectCli, ConnectStoresTheTokenAndRunUsesIt) {
  // Before connect, a run says what to do.
  auto early = testing::run_command(crmsync("run --no-progress"));
  EXPECT_NE(early.exit_code, 0);
  EXPECT_NE(early.output.find("crmsync connect"), std::string::npos) << early.output;

  std::string log = dir.file("connect.log");
  testing::Process connect(
      {CRMSYNC_BINARY, "-c", dir.file("crmsync.yaml"), "connect", "sf", "--timeout-secs", "60"},
      dir.path().string(), log);
  ASSERT_TRUE(connect.started());
  std::smatch m;
  std::string out;
  std::regex url_line("(http://127\\.0\\.0\\.1:\\d+/services/oauth2/authorize\\?\\S+)");
  for (int i = 0; i < 500 && !std::regex_search(out, m, url_line); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    out = read_file(log);
  }
  ASSERT_TRUE(std::regex_search(out, m, url_line)) << out;
  std::string authorize = m[1];

  auto page = send("GET", authorize);
  ASSERT_EQ(page.status, 200) << page.body;
  auto redirect =
      send("POST", sb->base_url() + "/services/oauth2/authorize", login_form_body(page.body));
  ASSERT_EQ(redirect.status, 302) << redirect.body;
  std::string location = redirect.header("Location").value_or("");
  ASSERT_EQ(location.rfind("http://localhost:", 0), 0u) << location;
  // The browser follows the redirect to crmsync's listener.
  auto landed = send("GET", location);
  EXPECT_EQ(landed.status, 200);
  EXPECT_NE(landed.body.find("received the authorization"), std::string::npos);
  ASSERT_EQ(connect.wait(), 0) << read_file(log);
  out = read_file(log);
  EXPECT_NE(out.find("connected sf"), std::string::npos) << out;

  {
    testing::SqliteProbe state(dir.file("crmsync.state.db"));
    EXPECT_EQ(
        state.count("select count(*) from secrets where name = 'connection:sf:refresh_token'"), 1);
    // Sealed: no refresh token prefix in the stored bytes.
    EXPECT_EQ(state.count("select count(*) from secrets where instr(ciphertext, '5Aep') > 0"), 0);
  }

  auto run = testing::run_command(crmsync("run --no-progress"));
  ASSERT_EQ(run.exit_code, 0) << run.output;
  size_t contacts;
  {
    auto lock = sb->store().read_lock();
    contacts = sb->store().table(*sb->store().schema().find("Contact")).rows.size();
  }
  testing::SqliteProbe copy(dir.file("copy.db"));
  EXPECT_EQ(copy.count("select count(*) from contacts"), static_cast<int64_t>(contacts));
  EXPECT_GT(contacts, 0u);

  // The wrong key or none: a clear refusal that echoes no secret.
  std::string wrong = base64_encode(std::string(32, '\x43'));
  setenv("CRMSYNC_SECRET_KEY", wrong.c_str(), 1);
  auto bad = testing::run_command(crmsync("run --no-progress --full"));
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_NE(bad.output.find("CRMSYNC_SECRET_KEY does not open the stored secret"),
            std::string::npos)
      << bad.output;
  EXPECT_EQ(bad.output.find(wrong), std::string::npos);
  unsetenv("CRMSYNC_SECRET_KEY");
  auto none = testing::run_command(crmsync("run --no-progress --full"));
  EXPECT_NE(none.exit_code, 0);
  EXPECT_NE(none.output.find("CRMSYNC_SECRET_KEY is not set"), std::string::npos) << none.output;
}

TEST_F(SalesforceConnectCli, ConnectRefusesWithoutAKeyBeforeTheBrowserStep) {
  unsetenv("CRMSYNC_SECRET_KEY");
  auto r = testing::run_command(crmsync("connect sf --timeout-secs 1"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("CRMSYNC_SECRET_KEY is not set"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("/services/oauth2/authorize"), std::string::npos);
}

TEST_F(SalesforceConnectCli, ARedirectWithAnotherStateStoresNothing) {
  std::string log = dir.file("connect.log");
  testing::Process connect(
      {CRMSYNC_BINARY, "-c", dir.file("crmsync.yaml"), "connect", "sf", "--timeout-secs", "60"},
      dir.path().string(), log);
  std::smatch m;
  std::string out;
  std::regex cb("(http://localhost:\\d+/callback)");
  for (int i = 0; i < 500 && !std::regex_search(out, m, cb); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    out = read_file(log);
  }
  ASSERT_TRUE(std::regex_search(out, m, cb)) << out;
  send("GET", m[1].str() + "?code=forged&state=not-ours");
  EXPECT_EQ(connect.wait(), 3);
  EXPECT_NE(read_file(log).find("state does not match"), std::string::npos) << read_file(log);
  testing::SqliteProbe state(dir.file("crmsync.state.db"));
  EXPECT_EQ(state.count("select count(*) from secrets"), 0);
}

}  // namespace
}  // namespace crmsync
