// Persons and organizations: create/get/update/delete/find, identity/search
// as a bare array, the customerNo / customerNumber and creatDate spellings,
// Persian text byte-exact.
#include "pg_fixture.h"

namespace crmsync::sandbox::payamgostar::testing {
namespace {

const std::string kName = "مریم احمدی";
const std::string kAddress = "اصفهان، خیابان چهارباغ، کوچه ۵";

std::string person_json(const std::string& nick, const std::string& number,
                        const std::string& mobile) {
  Object o{
      {"crmObjectTypeCode", Value("person")},
      {"nickName", Value(nick)},
      {"firstName", Value("مریم")},
      {"lastName", Value("احمدی")},
      {"refId", Value("siagh-7")},
      {"nationalCode", Value("0012345678")},
      {"phoneContacts", Value(Array{Value(Object{{"phoneType", Value("Mobile")},
                                                 {"phoneNumber", Value(mobile)},
                                                 {"default", Value(true)}})})},
      {"addressContacts",
       Value(Array{Value(Object{
           {"city", Value("اصفهان")}, {"address", Value(kAddress)}, {"default", Value(true)}})})}};
  if (!number.empty()) o.push_back({"customerNumber", Value(number)});
  return to_json(Value(std::move(o)));
}

TEST_F(PgTest, APersonRoundTripsWithTheReadShapesSpellings) {
  std::string id = create("person", person_json(kName, "100-1007", "09121112233"));
  EXPECT_EQ(id.size(), 36u);
  Answer got = api("crmobject/person/get", "{\"id\":\"" + id + "\"}");
  ASSERT_EQ(got.status, 200) << got.response.body;
  EXPECT_EQ(got["crmId"].as_string(), id);
  EXPECT_EQ(got["identityId"].as_string(), id);
  EXPECT_EQ(got["nickName"].as_string(), kName);
  EXPECT_EQ(got["customerNumber"].as_string(), "100-1007");
  EXPECT_EQ(got["refId"].as_string(), "siagh-7");
  EXPECT_EQ(got["identityTypeName"].as_string(), "مخاطب حقیقی");
  EXPECT_EQ(got["creatDate"].as_string(), "2025-12-21T14:06:17.173") << "local, no offset";
  EXPECT_EQ(got.json.find("createDate"), nullptr) << "creatDate (sic)";
  EXPECT_EQ(got["phoneContacts"].as_array()[0].find("phoneNumber")->as_string(), "09121112233");
  EXPECT_EQ(got["addressContacts"].as_array()[0].find("address")->as_string(), kAddress);
  EXPECT_NE(got.response.body.find(kName), std::string::npos) << "raw UTF-8 on the wire";
  EXPECT_NE(got.response.body.find(kAddress), std::string::npos);

  now_ms_ += 60'000;
  Answer updated =
      api("crmobject/person/update", "{\"crmId\":\"" + id + "\",\"email\":\"m@x.ir\"}");
  EXPECT_EQ(updated["crmId"].as_string(), id);
  Answer after = api("crmobject/person/get", "{\"id\":\"" + id + "\"}");
  EXPECT_EQ(after["email"].as_string(), "m@x.ir");
  EXPECT_EQ(after["nickName"].as_string(), kName) << "fields not named are kept";
  EXPECT_EQ(after["creatDate"].as_string(), "2025-12-21T14:06:17.173");
  EXPECT_EQ(after["modifyDate"].as_string(), "2025-12-21T14:07:17.173");
}

TEST_F(PgTest, GetTakesIdNotIdentityIdAndAnswers404ForAnotherType) {
  std::string id = create("person", person_json("الف", "", "0912"));
  EXPECT_EQ(api("crmobject/person/get", "{\"identityId\":\"" + id + "\"}").status, 400);
  Answer other = api("crmobject/organization/get", "{\"id\":\"" + id + "\"}");
  EXPECT_EQ(other.status, 404);
  EXPECT_FALSE(other["errorMessage"].as_string().empty());
  EXPECT_EQ(api("crmobject/person/create", R"({"firstName":"x"})").status, 400)
      << "nickName is required";
  EXPECT_EQ(api("crmobject/person/create", R"({"nickName":5})").status, 400);
  EXPECT_EQ(api("crmobject/person/delete", "{\"id\":\"" + id + "\"}").status, 200);
  EXPECT_EQ(api("crmobject/person/get", "{\"id\":\"" + id + "\"}").status, 404);
}

TEST_F(PgTest, CustomerNumbersAreUniqueAndNumberedWhenAbsent) {
  create("person", person_json("الف", "100-1001", "1"));
  Answer dup =
      api("crmobject/organization/create", R"({"nickName":"شرکت","customerNumber":"100-1001"})");
  EXPECT_EQ(dup.status, 400);
  std::string auto_id = create("organization", R"({"nickName":"شرکت"})");
  Answer got = api("crmobject/organization/get", "{\"id\":\"" + auto_id + "\"}");
  EXPECT_EQ(got["customerNumber"].as_string(), "100-1");
  EXPECT_EQ(got["identityTypeName"].as_string(), "مخاطب حقوقی");
  EXPECT_EQ(got["crmObjectTypeCode"].as_string(), "organization");

  // An update may not take another's number; a changed or deleted one is free again.
  EXPECT_EQ(api("crmobject/organization/update",
                "{\"crmId\":\"" + auto_id + "\",\"customerNumber\":\"100-1001\"}")
                .status,
            400);
  EXPECT_EQ(api("crmobject/organization/update",
                "{\"crmId\":\"" + auto_id + "\",\"customerNumber\":\"100-2000\"}")
                .status,
            200);
  EXPECT_EQ(api("crmobject/organization/update",
                "{\"crmId\":\"" + auto_id + "\",\"nickName\":\"شرکت نو\"}")
                .status,
            200)
      << "keeping its own number is no duplicate";
  create("person", R"({"nickName":"ب","customerNumber":"100-1"})");
  api("crmobject/organization/delete", "{\"id\":\"" + auto_id + "\"}");
  create("person", R"({"nickName":"پ","customerNumber":"100-2000"})");
}

TEST_F(PgTest, IdentitySearchIsABareArrayWithCustomerNo) {
  create("person", person_json("علی", "100-1001", "09120000001"));
  create("organization", R"({"nickName":"شرکت آسمان","customerNumber":"100-1002"})");
  create("person", person_json("زهرا", "100-1003", "09120000003"));
  Answer all = api("crmobject/identity/search", "{}");
  ASSERT_TRUE(all.json.is_array()) << all.response.body;
  ASSERT_EQ(all.json.as_array().size(), 3u);
  const Value& first = all.json.as_array()[0];
  EXPECT_EQ(first.find("customerNo")->as_string(), "100-1001");
  EXPECT_EQ(first.find("customerNumber"), nullptr) << "customerNo here, customerNumber in get";
  EXPECT_EQ(first.find("nickName")->as_string(), "علی");
  EXPECT_EQ(api("crmobject/identity/search", R"({"identityType":2})").json.as_array().size(), 1u);
  EXPECT_EQ(api("crmobject/identity/search", R"({"searchTerm":"100-1003"})").json.as_array().size(),
            1u);
  EXPECT_EQ(
      api("crmobject/identity/search", R"({"searchTerm":"09120000001"})").json.as_array().size(),
      1u);
  auto page = [&](int number) {
    return api("crmobject/identity/search",
               "{\"pageNumber\":" + std::to_string(number) + ",\"pageSize\":2}")
        .json.as_array();
  };
  EXPECT_EQ(page(1).size(), 2u);
  EXPECT_EQ(page(2).size(), 1u);
  EXPECT_EQ(page(0)[0].find("customerNo")->as_string(), "100-1001") << "page 0 reads as 1";
  EXPECT_EQ(page(3).size(), 0u);
}

TEST_F(PgTest, FindAnswersDataAndTotalWithQueriesAndPages) {
  for (int i = 1; i <= 12; ++i)
    create("person", person_json(i % 2 ? "فرد" : "زوج", "100-" + std::to_string(1000 + i),
                                 "0912" + std::to_string(i)));
  auto find = [&](const std::string& body) { return api("crmobject/person/find", body); };
  Answer all = find(R"({"queries":[],"pageNumber":1,"pageSize":10})");
  EXPECT_EQ(all["total"].as_int(), 12);
  EXPECT_EQ(all["data"].as_array().size(), 10u);
  EXPECT_EQ(find(R"({"pageNumber":2,"pageSize":10})")["data"].as_array().size(), 2u);
  Answer odd = find(
      R"({"queries":[{"logicalOperator":0,"operator":0,"field":"NickName","value":"فرد"}],"pageSize":100})");
  EXPECT_EQ(odd["total"].as_int(), 6) << odd.response.body;
  EXPECT_EQ(odd["data"].as_array()[0].find("nickName")->as_string(), "فرد");
  EXPECT_EQ(
      find(R"({"queries":[{"operator":12,"field":"customerNumber","value":"-101"}]})")["total"]
          .as_int(),
      3);  // 100-1010, 100-1011, 100-1012
  EXPECT_EQ(
      find(
          R"({"queries":[{"operator":3,"field":"customerNumber","value":["100-1001","100-1002"]}]})")
          ["total"]
              .as_int(),
      2);
  EXPECT_EQ(
      find(
          R"({"queries":[{"operator":0,"field":"customerNumber","value":"100-1001"},{"logicalOperator":1,"operator":0,"field":"customerNumber","value":"100-1002"}]})")
          ["total"]
              .as_int(),
      2);
  EXPECT_EQ(find(R"({"queries":[{"operator":99,"field":"nickName","value":"x"}]})").status, 400);
}

}  // namespace
}  // namespace crmsync::sandbox::payamgostar::testing
