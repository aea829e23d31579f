#include "sandbox_fixture.h"

namespace crmsync::sandbox::pipedrive::testing {
namespace {

class PipedriveCrud : public SandboxTest {
 protected:
  void SetUp() override { start(); }
};

TEST_F(PipedriveCrud, MissingOrWrongTokenGets401Envelope) {
  for (std::string token : {"", "wrong"}) {
    auto a = call("GET", "/api/v2/persons", "", token);
    EXPECT_EQ(a.status, 401);
    EXPECT_EQ(a.response.body,
              R"({"success":false,"error":"unauthorized access","errorCode":401})");
  }
  auto by_param = call("GET", "/v1/persons?api_token=demo-token", "", "");
  EXPECT_EQ(by_param.status, 200);
}

TEST_F(PipedriveCrud, V2PersonLifecycle) {
  auto created = call("POST", "/api/v2/persons",
                      R"({"name":"Jane Doe","emails":[{"value":"jane@x.io"}],"visible_to":3})");
  ASSERT_EQ(created.status, 200);  // every v2 POST answers 200
  EXPECT_EQ(created["success"], Value(true));
  const Value& person = created["data"];
  int64_t id = person.find("id")->as_int();
  EXPECT_EQ(*person.find("is_deleted"), Value(false));
  const Value& email = person.find("emails")->as_array().at(0);
  EXPECT_EQ(*email.find("primary"), Value(true));  // the first becomes primary
  EXPECT_EQ(*email.find("label"), Value("work"));
  EXPECT_TRUE(person.find("custom_fields")->is_object());

  std::string path = "/api/v2/persons/" + std::to_string(id);
  auto patched = call("PATCH", path, R"({"name":"Jane D."})");
  ASSERT_EQ(patched.status, 200);
  EXPECT_EQ(*patched["data"].find("name"), Value("Jane D."));

  auto deleted = call("DELETE", path);
  ASSERT_EQ(deleted.status, 200);
  EXPECT_EQ(deleted.response.body, R"({"success":true,"data":{"id":)" + std::to_string(id) +
                                       R"(},"additional_data":null})");
  EXPECT_EQ(*call("GET", path)["data"].find("is_deleted"), Value(true));
  EXPECT_TRUE(call("GET", "/api/v2/persons")["data"].as_array().empty());
  EXPECT_EQ(call("PATCH", path, R"({"name":"x"})").status, 404);
}

TEST_F(PipedriveCrud, V2RejectsWrongTypesUnknownFieldsAndMissingName) {
  EXPECT_EQ(call("POST", "/api/v2/persons", R"({"emails":[]})").status, 400);
  EXPECT_EQ(call("POST", "/api/v2/persons", R"({"name":"A","owner_id":"1"})").status, 400);
  auto unknown = call("POST", "/api/v2/persons", R"({"name":"A","shoe_size":3})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(unknown["success"], Value(false));
  EXPECT_EQ(unknown["data"], Value());
  EXPECT_TRUE(unknown["error_info"].is_string());
  auto missing_org = call("POST", "/api/v2/persons", R"({"name":"A","org_id":999})");
  EXPECT_EQ(missing_org.status, 400);
}

TEST_F(PipedriveCrud, V2NotFoundEnvelope) {
  auto a = call("GET", "/api/v2/deals/12345");
  EXPECT_EQ(a.status, 404);
  EXPECT_EQ(
      a.response.body,
      R"({"success":false,"error":"Entity was not found","error_info":"Object was not found.","data":null,"additional_data":null})");
}

TEST_F(PipedriveCrud, V1CreatesWith201AndCustomFieldsAtRoot) {
  auto field = call("POST", "/v1/personFields",
                    R"({"name":"Salesforce Contact ID","field_type":"varchar"})");
  ASSERT_EQ(field.status, 200);
  std::string key = field["data"].find("key")->as_string();
  EXPECT_EQ(key.size(), 40u);
  EXPECT_EQ(key.find_first_not_of("0123456789abcdef"), std::string::npos);

  auto created =
      call("POST", "/v1/persons",
           R"({"name":"Ann Lee","email":"ann@x.io","owner_id":"1",")" + key + R"(":"003X1"})");
  ASSERT_EQ(created.status, 201);
  const Value& v1 = created["data"];
  EXPECT_EQ(*v1.find(key), Value("003X1"));
  EXPECT_EQ(*v1.find("active_flag"), Value(true));
  EXPECT_TRUE(v1.find("owner_id")->is_object());
  EXPECT_EQ(*v1.find("primary_email"), Value("ann@x.io"));
  EXPECT_EQ(v1.find("add_time")->as_string().size(), 19u);  // "YYYY-MM-DD HH:MM:SS"

  auto v2 = call("GET", "/api/v2/persons/" + v1.find("id")->to_text());
  EXPECT_EQ(*v2["data"].find("custom_fields")->find(key), Value("003X1"));
  EXPECT_EQ(v2["data"].find("add_time")->as_string().back(), 'Z');
}

TEST_F(PipedriveCrud, DealsDefaultToFirstStageAndFilterByStatus) {
  auto deal = call("POST", "/api/v2/deals", R"({"title":"Loan 1","value":1500.5})");
  ASSERT_EQ(deal.status, 200);
  EXPECT_EQ(*deal["data"].find("stage_id"), Value(1));
  EXPECT_EQ(*deal["data"].find("status"), Value("open"));
  EXPECT_EQ(call("POST", "/api/v2/deals", R"({"title":"x","stage_id":99})").status, 400);
  EXPECT_EQ(call("GET", "/api/v2/deals?status=won")["data"].as_array().size(), 0u);
  EXPECT_EQ(call("GET", "/api/v2/deals?status=open")["data"].as_array().size(), 1u);
  call("DELETE", "/api/v2/deals/1");
  EXPECT_EQ(call("GET", "/api/v2/deals?status=deleted")["data"].as_array().size(), 1u);
  auto v1 = call("POST", "/v1/deals", R"({"title":"Loan 2","value":"2000","user_id":1})");
  EXPECT_EQ(v1.status, 201);
  EXPECT_TRUE(v1["data"].find("user_id")->is_object());
}

TEST_F(PipedriveCrud, NotesUseV1OffsetPaging) {
  call("POST", "/api/v2/persons", R"({"name":"P"})");
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(call("POST", "/v1/notes", R"({"content":"n","person_id":1})").status, 200);
  EXPECT_EQ(call("POST", "/v1/notes", R"({"content":"orphan"})").status, 400);
  auto page = call("GET", "/v1/notes?person_id=1&limit=2");
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page["data"].as_array().size(), 2u);
  const Value* pagination = page["additional_data"].find("pagination");
  EXPECT_EQ(*pagination->find("more_items_in_collection"), Value(true));
  EXPECT_EQ(*pagination->find("next_start"), Value(2));
  auto last = call("GET", "/v1/notes?person_id=1&start=2&limit=2");
  EXPECT_EQ(last["data"].as_array().size(), 1u);
  EXPECT_EQ(last["additional_data"].find("pagination")->find("next_start"), nullptr);
  EXPECT_EQ(*last["data"].as_array()[0].find("person")->find("name"), Value("P"));
}

TEST_F(PipedriveCrud, UsersPipelinesStages) {
  EXPECT_EQ(*call("GET", "/v1/users/me")["data"].find("id"), Value(1));
  EXPECT_EQ(call("GET", "/api/v2/pipelines")["data"].as_array().size(), 1u);
  EXPECT_EQ(call("GET", "/api/v2/stages?pipeline_id=1")["data"].as_array().size(), 5u);
  EXPECT_EQ(*call("GET", "/v1/stages/2")["data"].find("pipeline_name"), Value("Sales pipeline"));
}

}  // namespace
}  // namespace crmsync::sandbox::pipedrive::testing
