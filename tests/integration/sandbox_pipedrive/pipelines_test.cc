// Pipelines and stages in the sandbox: writable through v1 and v2 with the
// real status codes and shapes, and seeded by PipedriveSandboxOptions::
// pipelines (`--pipeline`) at start and after an admin reset.
#include "sandbox_fixture.h"

namespace crmsync::sandbox::pipedrive::testing {
namespace {

class PipedrivePipelines : public SandboxTest {
 protected:
  void SetUp() override {
    auto o = default_options();
    auto loans = parse_pipeline_seed("Loans = Application, Approved ,Funded");
    ASSERT_TRUE(loans.ok()) << loans.error().message;
    o.pipelines.push_back(*loans);
    start(o);
  }

  std::vector<std::string> stage_names(const std::string& path) {
    std::vector<std::string> out;
    auto a = call("GET", path);
    EXPECT_EQ(a.status, 200);
    if (!a["data"].is_array()) return out;
    for (const Value& s : a["data"].as_array()) out.push_back(s.find("name")->as_string());
    return out;
  }
};

TEST(PipelineSeed, ParsesAndRejectsWithTheReason) {
  auto ok = parse_pipeline_seed("Loans=A,B");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->name, "Loans");
  EXPECT_EQ(ok->stages, (std::vector<std::string>{"A", "B"}));
  auto no_eq = parse_pipeline_seed("Loans");
  ASSERT_FALSE(no_eq.ok());
  EXPECT_NE(no_eq.error().message.find("NAME=Stage A"), std::string::npos);
  EXPECT_FALSE(parse_pipeline_seed("=A").ok());
  auto empty_stage = parse_pipeline_seed("Loans=A,,B");
  ASSERT_FALSE(empty_stage.ok());
  EXPECT_NE(empty_stage.error().message.find("stage 2"), std::string::npos);
}

TEST_F(PipedrivePipelines, SeededPipelineBesideTheDefaultOneAndAfterReset) {
  auto pipelines = call("GET", "/api/v2/pipelines");
  ASSERT_EQ(pipelines.status, 200);
  const Array& list = pipelines["data"].as_array();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(*list[0].find("name"), Value("Sales pipeline"));
  EXPECT_EQ(*list[1].find("name"), Value("Loans"));
  int64_t loans = list[1].find("id")->as_int();
  EXPECT_EQ(stage_names("/api/v2/stages?pipeline_id=" + std::to_string(loans)),
            (std::vector<std::string>{"Application", "Approved", "Funded"}));
  EXPECT_EQ(stage_names("/api/v2/stages?pipeline_id=1").size(), 5u);

  call("DELETE", "/api/v2/pipelines/" + std::to_string(loans));
  EXPECT_EQ(stage_names("/api/v2/pipelines").size(), 1u);
  call("POST", "/__admin/reset", "{}");
  EXPECT_EQ(stage_names("/api/v2/pipelines"),
            (std::vector<std::string>{"Sales pipeline", "Loans"}));
  EXPECT_EQ(stage_names("/v1/stages").size(), 8u);
}

TEST_F(PipedrivePipelines, V2CreateUpdateDelete) {
  auto p = call("POST", "/api/v2/pipelines", R"({"name":"Renewals"})");
  ASSERT_EQ(p.status, 200);  // every v2 POST answers 200
  int64_t pid = p["data"].find("id")->as_int();
  EXPECT_EQ(*p["data"].find("is_deleted"), Value(false));
  auto s = call("POST", "/api/v2/stages",
                "{\"name\":\"Due\",\"pipeline_id\":" + std::to_string(pid) +
                    ",\"deal_probability\":50,\"is_deal_rot_enabled\":true,\"days_to_rotten\":7}");
  ASSERT_EQ(s.status, 200);
  int64_t sid = s["data"].find("id")->as_int();
  EXPECT_EQ(*s["data"].find("pipeline_id"), Value(pid));
  EXPECT_EQ(*s["data"].find("order_nr"), Value(int64_t{1}));
  EXPECT_EQ(*s["data"].find("days_to_rotten"), Value(int64_t{7}));

  auto renamed = call("PATCH", "/api/v2/stages/" + std::to_string(sid), R"({"name":"Overdue"})");
  ASSERT_EQ(renamed.status, 200);
  EXPECT_EQ(*renamed["data"].find("name"), Value("Overdue"));
  auto v1_view = call("GET", "/v1/stages/" + std::to_string(sid));
  EXPECT_EQ(*v1_view["data"].find("pipeline_name"), Value("Renewals"));
  EXPECT_EQ(*v1_view["data"].find("rotten_flag"), Value(true));

  // A deal may now go to the new stage; its pipeline follows the stage.
  auto deal =
      call("POST", "/api/v2/deals", "{\"title\":\"D\",\"stage_id\":" + std::to_string(sid) + "}");
  ASSERT_EQ(deal.status, 200);
  EXPECT_EQ(*deal["data"].find("pipeline_id"), Value(pid));

  auto gone = call("DELETE", "/api/v2/pipelines/" + std::to_string(pid));
  ASSERT_EQ(gone.status, 200);
  EXPECT_EQ(gone["data"], Value(Object{{"id", Value(pid)}}));
  EXPECT_EQ(call("GET", "/api/v2/stages/" + std::to_string(sid)).status, 404);
  auto again = call("DELETE", "/api/v2/pipelines/" + std::to_string(pid));
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again["error"], Value("Entity was not found"));
}

TEST_F(PipedrivePipelines, V2ValidatesBodies) {
  auto no_name = call("POST", "/api/v2/pipelines", "{}");
  EXPECT_EQ(no_name.status, 400);
  EXPECT_EQ(no_name["success"], Value(false));
  EXPECT_EQ(no_name["error"], Value("Validation failed: name: Required"));
  auto no_pipeline = call("POST", "/api/v2/stages", R"({"name":"X"})");
  EXPECT_EQ(no_pipeline.status, 400);
  EXPECT_EQ(no_pipeline["error"], Value("Validation failed: pipeline_id: Required"));
  auto unknown = call("POST", "/api/v2/stages", R"({"name":"X","pipeline_id":999})");
  EXPECT_EQ(unknown.status, 400);
  // v2 does not coerce strings to numbers.
  auto typed = call("POST", "/api/v2/stages", R"({"name":"X","pipeline_id":"1"})");
  EXPECT_EQ(typed.status, 400);
  EXPECT_EQ(call("PATCH", "/api/v2/stages/999", R"({"name":"X"})").status, 404);
}

TEST_F(PipedrivePipelines, V1CreatePutDelete) {
  auto p = call("POST", "/v1/pipelines", R"({"name":"Leasing","deal_probability":1})");
  ASSERT_EQ(p.status, 200);
  int64_t pid = p["data"].find("id")->as_int();
  EXPECT_EQ(*p["data"].find("deal_probability"), Value(true));
  EXPECT_EQ(*p["data"].find("active"), Value(true));
  auto s = call("POST", "/v1/stages",
                "{\"name\":\"Signed\",\"pipeline_id\":\"" + std::to_string(pid) + "\"}");
  ASSERT_EQ(s.status, 200);
  int64_t sid = s["data"].find("id")->as_int();
  EXPECT_EQ(*s["data"].find("pipeline_name"), Value("Leasing"));
  auto put = call("PUT", "/v1/pipelines/" + std::to_string(pid), R"({"name":"Leases"})");
  ASSERT_EQ(put.status, 200);
  EXPECT_EQ(*put["data"].find("name"), Value("Leases"));
  auto del = call("DELETE", "/v1/stages/" + std::to_string(sid));
  ASSERT_EQ(del.status, 200);
  EXPECT_EQ(del["data"], Value(Object{{"id", Value(sid)}}));
  auto missing = call("DELETE", "/v1/stages/" + std::to_string(sid));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing["error"], Value("Stage not found"));
  EXPECT_EQ(call("POST", "/v1/pipelines", R"({"active":true})").status, 400);
}

}  // namespace
}  // namespace crmsync::sandbox::pipedrive::testing
