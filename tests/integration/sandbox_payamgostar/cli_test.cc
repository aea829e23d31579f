// `crmsync sandbox payamgostar` as users run it: the real binary, its
// options (--webhook, --unlicensed), a login and a webhook to a receiver.
#include <fstream>
#include <sstream>

#include "pg_fixture.h"
#include "support/eventually.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace crmsync::sandbox::payamgostar::testing {
namespace {

using crmsync::testing::eventually;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The URL the binary printed ("... listening on http://127.0.0.1:PORT").
std::string listening_url(const std::string& log) {
  std::string text = read_file(log);
  size_t at = text.find("listening on ");
  if (at == std::string::npos) return "";
  size_t end = text.find('\n', at);
  return end == std::string::npos ? "" : text.substr(at + 13, end - at - 13);
}

TEST(PayamgostarCli, ServesWithWebhooksAndLicenceFromTheCommandLine) {
  crmsync::testing::TempDir dir;
  std::string log = (dir.path() / "pg.log").string();
  HookReceiver receiver;
  crmsync::testing::Process sandbox(
      {CRMSYNC_BINARY, "sandbox", "payamgostar", "--port", "0", "--webhook",
       "Identity=" + receiver.url("cli"), "--unlicensed", "product", "--seed-records", "2"},
      dir.path().string(), log);
  ASSERT_TRUE(sandbox.started());
  ASSERT_TRUE(eventually([&] { return !listening_url(log).empty(); }, std::chrono::seconds(60)))
      << read_file(log);
  std::string base = listening_url(log);
  net::HttpClient client;
  auto post = [&](const std::string& path, const std::string& body, const std::string& token) {
    net::HttpClientRequest req;
    req.method = "POST";
    req.url = base + path;
    req.body = body;
    req.timeout_secs = 10;
    req.headers.emplace("Content-Type", "application/json");
    if (!token.empty()) req.headers.emplace("Authorization", "Bearer " + token);
    return client.send(req);
  };
  auto login = post("/api/v2/auth/login", R"({"username":"admin","password":"demo-password"})", "");
  ASSERT_TRUE(login.ok());
  ASSERT_EQ(login->status, 200) << login->body;
  std::string token = parse_json(login->body)->find("accessToken")->as_string();
  auto search = post("/api/v2/crmobject/identity/search", "{}", token);
  ASSERT_TRUE(search.ok());
  EXPECT_EQ(parse_json(search->body)->as_array().size(), 2u) << "--seed-records 2";
  EXPECT_EQ(post("/api/v2/crmobject/product/find", "{}", token)->status, 402);
  auto created = post("/api/v2/crmobject/person/create", R"({"nickName":"نام"})", token);
  ASSERT_EQ(created->status, 200);
  ASSERT_TRUE(eventually([&] { return receiver.count() == 1; }));
  EXPECT_EQ(receiver.hits()[0].query.find("event")->second, "Insert");
  sandbox.signal(SIGTERM);
  EXPECT_EQ(sandbox.wait(), 0);
}

}  // namespace
}  // namespace crmsync::sandbox::payamgostar::testing
