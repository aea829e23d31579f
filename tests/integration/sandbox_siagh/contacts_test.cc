// Contacts: SaveFormData form 2BFDA (ctrlValues split on '|'), GetAll as a
// bare array with an equality filter, the duplicate-phone error -1, and
// Persian text kept byte for byte.
#include "siagh_fixture.h"

namespace crmsync::sandbox::siagh::testing {
namespace {

const std::string kGetAll = "/api/Sgh/GEN/Gn_Web_Users/GetAll";

TEST_F(SiaghTest, ACreatedContactIsInGetAllWithItsPersianTextByteExact) {
  std::string sid = session();
  const std::string name = "شرکت بازرگانی آریا";
  const std::string address = "تهران، خیابان ولیعصر، پلاک ۱۲";
  Answer saved = save_form(sid, "2BFDA", contact_ctrl(name, "09121234567", "02188776655", address),
                           "CodeMain=");
  ASSERT_EQ(saved.status, 200);
  EXPECT_TRUE(saved["ReturnValue"].as_bool()) << saved.response.body;
  EXPECT_EQ(saved["ReturnCode"].as_string(), "1");
  EXPECT_EQ(saved["Errors"].as_array().size(), 0u);

  Answer all = call("GET", kGetAll, "", sid);
  ASSERT_EQ(all.status, 200);
  ASSERT_TRUE(all.json.is_array()) << "a bare array, no envelope";
  ASSERT_EQ(all.json.as_array().size(), 1u);
  const Value& c = all.json.as_array()[0];
  EXPECT_EQ(c.find("Code")->as_int(), 1);
  EXPECT_EQ(c.find("Name")->as_string(), name);
  EXPECT_EQ(c.find("NickName")->as_string(), name) << "dbgrid1.#nickname# is the full name";
  EXPECT_EQ(c.find("Address")->as_string(), address);
  EXPECT_EQ(c.find("MobileNo")->as_string(), "09121234567");
  EXPECT_EQ(c.find("TelNo")->as_string(), "02188776655");
  EXPECT_EQ(c.find("NationalCode")->as_string(), "0012345678");
  EXPECT_EQ(c.find("tmpid")->as_string(), "ext-09121234567");
  EXPECT_EQ(c.find("TowardType")->as_bool(), false);
  EXPECT_EQ(c.find("IsActive")->as_bool(), true);
  EXPECT_EQ(c.find("RegDate")->as_string(), "1404/09/04");
  EXPECT_TRUE(c.find("Password")->is_null());
  // The bytes on the wire are the UTF-8 the client sent, not \u escapes.
  EXPECT_NE(all.response.body.find(name), std::string::npos);
  EXPECT_NE(all.response.body.find(address), std::string::npos);
}

TEST_F(SiaghTest, GetAllFiltersByFieldEqualityAndAnEmptyBodyMeansAll) {
  std::string sid = session();
  create_contact(sid, "الف", "09120000001", "02100000001");
  int64_t b = create_contact(sid, "ب", "09120000002", "02100000002");
  create_contact(sid, "پ", "09120000003");
  EXPECT_EQ(call("POST", kGetAll, "{}", sid).json.as_array().size(), 3u);
  EXPECT_EQ(call("GET", kGetAll, "", sid).json.as_array().size(), 3u);
  Answer by_tel = call("POST", kGetAll, R"({"TelNo":"02100000002"})", sid);
  ASSERT_EQ(by_tel.json.as_array().size(), 1u);
  EXPECT_EQ(by_tel.json.as_array()[0].find("Code")->as_int(), b);
  EXPECT_EQ(
      call("POST", kGetAll, "{\"Code\":" + std::to_string(b) + "}", sid).json.as_array().size(),
      1u);
  EXPECT_EQ(call("POST", kGetAll, R"({"Name":"ب"})", sid).json.as_array().size(), 1u);
  EXPECT_EQ(call("POST", kGetAll, R"({"TelNo":"nobody"})", sid).json.as_array().size(), 0u);
  EXPECT_EQ(call("POST", kGetAll, R"({"NoSuchField":"1"})", sid).json.as_array().size(), 0u);
  EXPECT_EQ(call("POST", kGetAll, "[1]", sid).status, 400);
}

TEST_F(SiaghTest, ParamOneOrCodeMainUpdatesAndReturnCodeEchoesTheCode) {
  std::string sid = session();
  int64_t code = create_contact(sid, "قدیم", "09125550000");
  std::string c = std::to_string(code);
  Answer a = save_form(sid, "2BFDA", "Param1=" + c + "|" + contact_ctrl("جدید", "09125550000", ""),
                       "CodeMain=" + c);
  EXPECT_TRUE(a["ReturnValue"].as_bool()) << a.response.body;
  EXPECT_EQ(a["ReturnCode"].as_string(), c);
  Answer b =
      save_form(sid, "2BFDA", contact_ctrl("سازمان", "09125550000", "", "", "1"), "CodeMain=" + c);
  EXPECT_TRUE(b["ReturnValue"].as_bool()) << "keeping its own phone is no duplicate";
  Answer all = call("GET", kGetAll, "", sid);
  ASSERT_EQ(all.json.as_array().size(), 1u);
  EXPECT_EQ(all.json.as_array()[0].find("Name")->as_string(), "سازمان");
  EXPECT_EQ(all.json.as_array()[0].find("TowardType")->as_bool(), true) << "taraftype=1";

  Answer missing = save_form(sid, "2BFDA", contact_ctrl("x", "0913", ""), "CodeMain=999");
  EXPECT_FALSE(missing["ReturnValue"].as_bool());
  EXPECT_EQ(missing["Errors"].as_array()[0].find("ErrorCode")->as_int(), -1);
}

TEST_F(SiaghTest, ADuplicatePhoneIsErrorMinusOneNamingTheFieldAndSavesNothing) {
  std::string sid = session();
  create_contact(sid, "اول", "09121111111", "02122222222");
  for (auto [mobile, tel, column] : {std::tuple{"09121111111", "", "MobileNo"},
                                     std::tuple{"09123333333", "02122222222", "TelNo"},
                                     std::tuple{"02122222222", "", "MobileNo"}}) {
    Answer a = save_form(sid, "2BFDA", contact_ctrl("دوم", mobile, tel), "CodeMain=");
    EXPECT_EQ(a.status, 200) << "the outcome is in the body";
    EXPECT_FALSE(a["ReturnValue"].as_bool());
    ASSERT_EQ(a["Errors"].as_array().size(), 1u) << a.response.body;
    const Value& e = a["Errors"].as_array()[0];
    EXPECT_EQ(e.find("ErrorType")->as_string(), "ErrError");
    EXPECT_EQ(e.find("ErrorCode")->as_int(), -1);
    EXPECT_EQ(e.find("Description")->as_string(), "شماره تلفن نمی تواند تکراری باشد.");
    EXPECT_EQ(e.find("ColName")->as_string(), column);
    EXPECT_EQ(a["ReturnCode"].as_string(), "");
  }
  EXPECT_EQ(call("GET", kGetAll, "", sid).json.as_array().size(), 1u);
  EXPECT_EQ(create_contact(sid, "سوم", "09124444444"), 2) << "a refused form takes no Code";
}

TEST_F(SiaghTest, CtrlValuesSplitOnEveryBarSoABarInAValueCutsIt) {
  std::string sid = session();
  create_contact(sid, "نام|gn_web_users.email=injected@example.com", "09126666666");
  Answer all = call("GET", kGetAll, "", sid);
  const Value& c = all.json.as_array()[0];
  EXPECT_EQ(c.find("Name")->as_string(), "نام");
  EXPECT_EQ(c.find("Email")->as_string(), "injected@example.com")
      << "values are not escaped on the wire";
}

TEST_F(SiaghTest, FormsRefuseWhatTheServerCannotRead) {
  std::string sid = session();
  Answer not_string = call("POST", "/BpmsApi/SaveFormData",
                           R"({"formId":"2BFDA","ctrlValues":["a=b"],"parameters":""})", sid);
  EXPECT_EQ(not_string.status, 400);
  EXPECT_EQ(not_string["Message"].as_string(), "The request is invalid.");
  Answer unknown = save_form(sid, "FFFFF", "a=b", "");
  EXPECT_FALSE(unknown["ReturnValue"].as_bool());
  EXPECT_EQ(unknown["Errors"].as_array()[0].find("ErrorCode")->as_int(), -1);
  Answer no_name = save_form(sid, "2BFDA", "gn_web_users.mobileno=0912", "CodeMain=");
  EXPECT_FALSE(no_name["ReturnValue"].as_bool());
  Answer bad_type = save_form(sid, "2BFDA", contact_ctrl("n", "0912", "", "", "2"), "CodeMain=");
  EXPECT_FALSE(bad_type["ReturnValue"].as_bool());
  EXPECT_EQ(call("GET", kGetAll, "", sid).json.as_array().size(), 0u);
}

TEST_F(SiaghTest, AdminEditsAsAUserAndSeedsUniquePhones) {
  Answer made = call("POST", "/__admin/contacts",
                     R"({"Name":"کاربر","MobileNo":"09127777777","TowardType":true})", "");
  ASSERT_EQ(made.status, 201) << made.response.body;
  EXPECT_EQ(made["Code"].as_int(), 1);
  EXPECT_EQ(call("POST", "/__admin/contacts", R"({"Name":"دو","TelNo":"09127777777"})", "").status,
            400);
  EXPECT_EQ(call("PATCH", "/__admin/contacts/1", R"({"Email":"a@b.ir"})", "")["Email"].as_string(),
            "a@b.ir");
  EXPECT_EQ(call("PATCH", "/__admin/contacts/9", R"({"Email":"a@b.ir"})", "").status, 404);
  EXPECT_EQ(call("POST", "/__admin/contacts", R"({"Code":5,"Name":"n"})", "").status, 400);
  std::string sid = session();
  EXPECT_EQ(call("GET", kGetAll, "", sid).json.as_array()[0].find("Email")->as_string(), "a@b.ir");
  EXPECT_EQ(call("DELETE", "/__admin/contacts/1", "", "").status, 200);
  EXPECT_EQ(call("GET", kGetAll, "", sid).json.as_array().size(), 0u);

  auto o = default_options();
  o.seed_records = 50;
  start(o);
  Answer seeded = call("GET", "/__admin/contacts", "", "");
  ASSERT_EQ(seeded.json.as_array().size(), 50u);
  EXPECT_EQ(seeded.json.as_array()[1].find("TowardType")->as_bool(), true);
  std::string sid2 = session();
  EXPECT_FALSE(
      save_form(sid2, "2BFDA", contact_ctrl("نو", "09120000049", ""), "CodeMain=")["ReturnValue"]
          .as_bool())
      << "a seeded phone is taken";
  EXPECT_EQ(call("POST", "/__admin/reset", "", "").status, 200);
  EXPECT_EQ(call("GET", "/__admin/contacts", "", "").json.as_array().size(), 50u);
  EXPECT_EQ(call("GET", kGetAll, "", sid2).status, 401) << "a reset ends the sessions";
}

}  // namespace
}  // namespace crmsync::sandbox::siagh::testing
