// `crmsync sandbox siagh` as users run it: the real binary with a Persian
// user, a login with the MD5 it prints, and GetAll over seeded contacts.
#include <fstream>
#include <sstream>

#include "siagh_fixture.h"
#include "support/eventually.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace crmsync::sandbox::siagh::testing {
namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string listening_url(const std::string& log) {
  std::string text = read_file(log);
  size_t at = text.find("listening on ");
  if (at == std::string::npos) return "";
  size_t end = text.find('\n', at);
  return end == std::string::npos ? "" : text.substr(at + 13, end - at - 13);
}

TEST(SiaghCli, ServesAPersianUserAndSeededContacts) {
  crmsync::testing::TempDir dir;
  std::string log = (dir.path() / "siagh.log").string();
  crmsync::testing::Process sandbox(
      {CRMSYNC_BINARY, "sandbox", "siagh", "--port", "0", "--user", "مدیر", "--password", "x",
       "--seed-records", "4", "--fiscal-year", "1405"},
      dir.path().string(), log);
  ASSERT_TRUE(sandbox.started());
  ASSERT_TRUE(crmsync::testing::eventually([&] { return !listening_url(log).empty(); },
                                           std::chrono::seconds(60)))
      << read_file(log);
  EXPECT_NE(read_file(log).find("9DD4E461268C8034F5C8564E155C67A6"), std::string::npos);
  std::string base = listening_url(log);
  net::HttpClient client;
  net::HttpClientRequest req;
  req.method = "POST";
  req.url = base + "/GeneralApi/LoginUser";
  req.body = R"({"UserName":"مدیر","Password":"9DD4E461268C8034F5C8564E155C67A6"})";
  req.timeout_secs = 10;
  req.headers.emplace("Content-Type", "application/json");
  auto login = client.send(req);
  ASSERT_TRUE(login.ok());
  ASSERT_EQ(login->status, 200) << login->body;
  Value session = *parse_json(login->body);
  EXPECT_EQ(session.find("FiscalYear")->as_int(), 1405);
  net::HttpClientRequest all;
  all.method = "GET";
  all.url = base + "/api/Sgh/GEN/Gn_Web_Users/GetAll";
  all.timeout_secs = 10;
  all.headers.emplace("Authorization", session.find("SessionId")->as_string());
  auto contacts = client.send(all);
  ASSERT_TRUE(contacts.ok());
  EXPECT_EQ(parse_json(contacts->body)->as_array().size(), 4u);
  sandbox.signal(SIGTERM);
  EXPECT_EQ(sandbox.wait(), 0);
}

}  // namespace
}  // namespace crmsync::sandbox::siagh::testing
