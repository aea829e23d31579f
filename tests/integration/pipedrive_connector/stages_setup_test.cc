// Deals naming their stage and pipeline, and setup_target creating the
// custom fields a flow needs and checking the stages it names, against the
// sandbox with a second pipeline whose stage names overlap the default one.
#include "connector_fixture.h"

namespace crmsync::testing {
namespace {

class PipedriveStagesTest : public PipedriveConnectorTest {
 protected:
  void SetUp() override {
    PipedriveSandboxOptions o;
    o.burst_limit = 0;
    o.search_burst_limit = 0;
    o.threads = 4;
    // "Qualified" is also a stage of the default "Sales pipeline" (id 1).
    o.pipelines.push_back({"Loans", {"Application", "Qualified", "Funded"}});
    start_with(o);
  }

  WriteResult write_deal(const std::vector<std::pair<std::string, Value>>& fields) {
    std::vector<std::string> names;
    for (const auto& f : fields) names.push_back(f.first);
    Record r(make_field_names(names));
    for (size_t i = 0; i < fields.size(); ++i) r.value(i) = fields[i].second;
    std::vector<WriteItem> items = {{WriteOp::create, "", r}};
    auto res = conn_->write(WriteRequest{"deal", "id", "", items});
    EXPECT_TRUE(res.ok()) << res.error().message;
    return res.ok() ? (*res)[0] : WriteResult{};
  }

  Record read_deal(const std::string& id) {
    auto got = conn_->read_by_ids("deal", "id", std::vector<std::string>{id});
    EXPECT_TRUE(got.ok() && got->size() == 1u);
    return got.ok() && !got->empty() ? (*got)[0] : Record();
  }
};

TEST_F(PipedriveStagesTest, StageAndPipelineByNameWriteAsIds) {
  // Loans is pipeline 2; its stages are 6 Application, 7 Qualified, 8 Funded.
  auto funded = write_deal({{"title", Value("Loan 1")}, {"stage_id", Value("Funded")}});
  ASSERT_TRUE(funded.ok) << funded.error.message;
  Record d = read_deal(funded.target_id);
  EXPECT_EQ(*d.get("stage_id"), Value(int64_t{8}));
  EXPECT_EQ(*d.get("pipeline_id"), Value(int64_t{2}));  // reads keep ids

  auto in_pipeline = write_deal({{"title", Value("Loan 2")},
                                 {"pipeline_id", Value("Loans")},
                                 {"stage_id", Value("Qualified")}});
  ASSERT_TRUE(in_pipeline.ok) << in_pipeline.error.message;
  EXPECT_EQ(*read_deal(in_pipeline.target_id).get("stage_id"), Value(int64_t{7}));

  // Ids (numbers or digit strings) pass through: a read record writes back.
  auto by_id = write_deal({{"title", Value("Loan 3")}, {"stage_id", Value("3")}});
  ASSERT_TRUE(by_id.ok) << by_id.error.message;
  EXPECT_EQ(*read_deal(by_id.target_id).get("stage_id"), Value(int64_t{3}));

  auto ambiguous = write_deal({{"title", Value("Loan 4")}, {"stage_id", Value("Qualified")}});
  EXPECT_FALSE(ambiguous.ok);
  EXPECT_EQ(ambiguous.error.kind, ErrorKind::rejected);
  EXPECT_NE(ambiguous.error.message.find("several pipelines (Sales pipeline, Loans)"),
            std::string::npos)
      << ambiguous.error.message;

  auto unknown = write_deal(
      {{"title", Value("Loan 5")}, {"pipeline_id", Value("Loans")}, {"stage_id", Value("Closed")}});
  EXPECT_FALSE(unknown.ok);
  EXPECT_EQ(unknown.error.kind, ErrorKind::rejected);
  EXPECT_NE(unknown.error.message.find("its stages: Application, Qualified, Funded"),
            std::string::npos)
      << unknown.error.message;

  auto no_pipeline = write_deal({{"title", Value("Loan 6")}, {"pipeline_id", Value("Leases")}});
  EXPECT_FALSE(no_pipeline.ok);
  EXPECT_NE(no_pipeline.error.message.find("pipelines: Sales pipeline, Loans"), std::string::npos)
      << no_pipeline.error.message;

  // Pipelines and stages were read once for all these writes.
  Value log = admin("GET", "/__admin/requests?limit=1000");
  int stage_reads = 0;
  for (const Value& r : log.find("requests")->as_array())
    if (r.find("path")->as_string() == "/api/v2/stages") ++stage_reads;
  EXPECT_EQ(stage_reads, 1);
}

TEST_F(PipedriveStagesTest, SetupCreatesMissingFieldsOnceAndReportsMissingStages) {
  SetupRequest req;
  req.object = "deal";
  req.fields = {{"title", {}},
                {"Salesforce Loan ID", {}},
                {"Loan Type", {Value("Purchase"), Value("Refinance"), Value("Purchase")}},
                {"pipeline_id", {Value("Loans")}},
                {"stage_id", {Value("Application"), Value("Funded"), Value("Closed Won")}}};
  auto dry = conn_->setup_target(req);
  ASSERT_TRUE(dry.ok()) << dry.error().message;
  EXPECT_EQ(dry->to_create,
            (std::vector<std::string>{"deal field 'Salesforce Loan ID' (varchar)",
                                      "deal field 'Loan Type' (enum: Purchase, Refinance)"}));
  ASSERT_EQ(dry->missing.size(), 1u);
  EXPECT_NE(dry->missing[0].find("'Closed Won'"), std::string::npos) << dry->missing[0];
  EXPECT_NE(dry->missing[0].find("Loans: Application, Qualified, Funded"), std::string::npos)
      << dry->missing[0];
  // A dry run creates nothing.
  EXPECT_EQ(admin("GET", "/v1/dealFields").find("data")->as_array().size(), 12u);

  req.apply = true;
  auto applied = conn_->setup_target(req);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_EQ(applied->to_create.size(), 2u);
  Value listed = admin("GET", "/v1/dealFields");
  const Array& fields = listed.find("data")->as_array();
  ASSERT_EQ(fields.size(), 14u);
  EXPECT_EQ(*fields[13].find("field_type"), Value("enum"));
  EXPECT_EQ(fields[13].find("options")->as_array().size(), 2u);

  auto again = conn_->setup_target(req);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_TRUE(again->to_create.empty());
  EXPECT_EQ(admin("GET", "/v1/dealFields").find("data")->as_array().size(), 14u);

  // The new fields are writable by name right away (the catalog was
  // re-read after creating).
  auto w = write_deal({{"title", Value("Loan")},
                       {"Salesforce Loan ID", Value("a0B1")},
                       {"Loan Type", Value("Refinance")},
                       {"stage_id", Value("Application")}});
  ASSERT_TRUE(w.ok) << w.error.message;
  Record d = read_deal(w.target_id);
  EXPECT_EQ(*d.get("Salesforce Loan ID"), Value("a0B1"));
  EXPECT_EQ(*d.get("Loan Type"), Value("Refinance"));

  // An existing enum field gets the options it lacks, its own kept.
  admin("POST", "/v1/dealFields",
        R"({"name":"Tier","field_type":"enum","options":[{"label":"Gold"}]})");
  connect();  // field definitions are read once per connection (run)
  SetupRequest tier;
  tier.object = "deal";
  tier.fields = {{"Tier", {Value("Gold"), Value("Silver"), Value("Bronze")}}};
  tier.apply = true;
  auto added = conn_->setup_target(tier);
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(added->to_create,
            (std::vector<std::string>{"deal field 'Tier' options Silver, Bronze"}));
  auto tier_again = conn_->setup_target(tier);
  ASSERT_TRUE(tier_again.ok());
  EXPECT_TRUE(tier_again->to_create.empty());
  auto gold = write_deal({{"title", Value("T")}, {"Tier", Value("Bronze")}});
  ASSERT_TRUE(gold.ok) << gold.error.message;
  EXPECT_EQ(*read_deal(gold.target_id).get("Tier"), Value("Bronze"));

  // Ambiguous stage names are reported when no pipeline is named.
  SetupRequest ambiguous;
  ambiguous.object = "deal";
  ambiguous.fields = {{"stage_id", {Value("Qualified")}}};
  auto amb = conn_->setup_target(ambiguous);
  ASSERT_TRUE(amb.ok());
  ASSERT_EQ(amb->missing.size(), 1u);
  EXPECT_NE(amb->missing[0].find("several pipelines"), std::string::npos) << amb->missing[0];
}

}  // namespace
}  // namespace crmsync::testing
