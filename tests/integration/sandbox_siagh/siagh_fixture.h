#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "core/json.h"
#include "net/http_client.h"
#include "sandbox/siagh/siagh_sandbox.h"

namespace crmsync::sandbox::siagh::testing {

// 2025-11-25 14:03:00 UTC: 17:33 on 1404/09/04 in Tehran.
inline constexpr int64_t kStart = 1764079380;

// An in-process Siagh sandbox on 127.0.0.1:0 whose clock moves only when a
// test moves it, and a client that talks to it.
class SiaghTest : public ::testing::Test {
 protected:
  void SetUp() override { start(default_options()); }

  SiaghSandboxOptions default_options() {
    SiaghSandboxOptions o;
    o.threads = 4;
    o.user_name = "admin";
    o.password = "x";
    o.clock = [this] { return now_.load(); };
    return o;
  }
  void start(SiaghSandboxOptions options) {
    sandbox_.reset();
    sandbox_ = std::make_unique<SiaghSandbox>(std::move(options));
    ASSERT_TRUE(sandbox_->start().ok());
  }

  struct Answer {
    int status = 0;
    net::HttpResponse response;
    Value json;
    bool transport_failed = false;
    const Value& operator[](std::string_view key) const {
      static const Value kNull;
      const Value* v = json.find(key);
      return v ? *v : kNull;
    }
  };

  // `authorization` goes as the raw header when not empty.
  Answer call(const std::string& method, const std::string& path, const std::string& body,
              const std::string& authorization) {
    net::HttpClientRequest req;
    req.method = method;
    req.url = sandbox_->base_url() + path;
    req.body = body;
    req.timeout_secs = 10;
    if (!authorization.empty()) req.headers.emplace("Authorization", authorization);
    if (!body.empty()) req.headers.emplace("Content-Type", "application/json");
    auto res = client_.send(req);
    Answer answer;
    if (!res.ok()) {
      answer.transport_failed = true;
      return answer;
    }
    answer.status = res->status;
    answer.response = *res;
    if (auto parsed = parse_json(res->body); parsed.ok()) answer.json = *parsed;
    return answer;
  }

  Answer login(const std::string& user = "admin",
               const std::string& password_md5 = "9DD4E461268C8034F5C8564E155C67A6") {
    std::string body = "{\"UserName\":";
    append_json_string(user, body);
    body += ",\"Password\":";
    append_json_string(password_md5, body);
    return call("POST", "/GeneralApi/LoginUser", body + "}", "");
  }

  // A live SessionId (the test fails when login does).
  std::string session() {
    Answer a = login();
    EXPECT_EQ(a.status, 200) << a.response.body;
    return a["SessionId"].is_string() ? a["SessionId"].as_string() : "";
  }

  // SaveFormData with every value a string, as the clients send it.
  Answer save_form(const std::string& session_id, const std::string& form_id,
                   const std::string& ctrl_values, const std::string& parameters,
                   const std::string& data_rows = "[]") {
    Object body;
    body.push_back({"formId", Value(form_id)});
    body.push_back({"ctrlValues", Value(ctrl_values)});
    body.push_back({"parameters", Value(parameters)});
    body.push_back({"dataRows", Value(data_rows)});
    body.push_back({"attachments", Value("[]")});
    body.push_back({"postCode", Value("1110")});
    body.push_back({"flowId", Value("")});
    return call("POST", "/BpmsApi/SaveFormData", to_json(Value(std::move(body))), session_id);
  }

  // The contact form's ctrlValues in the order SyncSiagh sends them.
  static std::string contact_ctrl(const std::string& name, const std::string& mobile,
                                  const std::string& tel, const std::string& address = "",
                                  const std::string& taraf = "0") {
    return "NickName=dbgrid1.#nickname#|gn_web_users.isactive=1|gn_web_users.gender=|"
           "gn_web_users.websiteaddress=|gn_web_users.pocode=|gn_web_users.codeostan=|"
           "gn_web_users.address=" +
           address +
           "|gn_web_users.codeshahr=|gn_web_users.countrycode=|gn_web_users.email=|"
           "gn_web_users.fullname=" +
           name + "|gn_web_users.mobileno=" + mobile + "|gn_web_users.telno=" + tel +
           "|gn_web_users.passno=0012345678|gn_web_users.tmpid=ext-" + mobile +
           "|gn_web_users.tozihat=|gn_web_users.taraftype=" + taraf;
  }

  // A new contact's Code (the test fails when the form is refused).
  int64_t create_contact(const std::string& sid, const std::string& name, const std::string& mobile,
                         const std::string& tel = "") {
    Answer a = save_form(sid, "2BFDA", contact_ctrl(name, mobile, tel), "CodeMain=");
    EXPECT_TRUE(a["ReturnValue"].is_bool() && a["ReturnValue"].as_bool()) << a.response.body;
    return a["ReturnCode"].is_string() ? std::stoll(a["ReturnCode"].as_string()) : 0;
  }

  std::atomic<int64_t> now_{kStart};
  std::unique_ptr<SiaghSandbox> sandbox_;
  net::HttpClient client_;
};

}  // namespace crmsync::sandbox::siagh::testing
