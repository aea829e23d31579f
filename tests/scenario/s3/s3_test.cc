// Story S3 end to end, as a user runs it: the example config of
// examples/sql-to-salesforce run by the real binary, once per company,
// PostgreSQL (through psqlODBC) standing in for the SQL Server views, the
// Salesforce sandbox as the target; Salesforce checked record by record.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "sandbox/salesforce/salesforce_sandbox.h"
#include "support/odbc_test_drivers.h"
#include "support/run_command.h"
#include "support/s3_erp.h"
#include "support/salesforce_probe.h"
#include "support/sql_test_server.h"
#include "support/temp_dir.h"

namespace crmsync::testing {
namespace {

class S3 : public ::testing::Test {
 protected:
  TempDir dir;
  std::unique_ptr<sandbox::salesforce::SalesforceSandbox> sf;
  const SqlServerInfo& pg = test_server("postgres");

  void SetUp() override {
    std::ifstream in(std::string(CRMSYNC_SOURCE_DIR) + "/examples/sql-to-salesforce/crmsync.yaml");
    std::stringstream text;
    text << in.rdbuf();
    ASSERT_FALSE(text.str().empty());
    dir.write("crmsync.yaml", s3_isolated_config(text.str()));
    for (const auto& [company, n] :
         {std::pair<std::string, int>{"ITALCOL", 30}, {"CASABLANCA", 12}}) {
      std::string db = s3_erp_db(company);
      pg.sql("postgres", "drop database if exists \"" + db + "\"; create database \"" + db + "\";");
      CommandResult r = pg.sql(db, s3_erp_sql(company, n));
      ASSERT_EQ(r.exit_code, 0) << r.output;
    }
  }

  void start_salesforce(sandbox::salesforce::SalesforceSandboxOptions o = {}) {
    sf = std::make_unique<sandbox::salesforce::SalesforceSandbox>(o);
    Status s = sf->start();
    ASSERT_TRUE(s.ok()) << s.error().message;
  }

  CommandResult crmsync(const std::string& args) {
    std::string env =
        std::string("ERP_ODBC_DRIVER=") + CRMSYNC_ODBC_PSQL +
        " ERP_DIALECT=postgres ERP_HOST=127.0.0.1 ERP_PORT=" + std::to_string(pg.port) +
        " ERP_USER=" + pg.user + " ERP_PASSWORD=" + pg.password +
        " SALESFORCE_LOGIN_URL=" + sf->base_url() +
        " SALESFORCE_USERNAME=demo@example.com SALESFORCE_PASSWORD=demo"
        " SALESFORCE_CLIENT_ID=demo-client SALESFORCE_CLIENT_SECRET=demo-secret";
    return run_command("cd " + dir.path().string() + " && " + env + " " + CRMSYNC_BINARY + " " +
                       args);
  }

  Value soql(const std::string& q) { return SalesforceProbe{sf->base_url()}.soql(q); }

  static std::map<std::string, int64_t> counts(const CommandResult& r, const std::string& flow) {
    std::map<std::string, int64_t> out;
    size_t at = r.output.find("{\"run_id\"");
    EXPECT_NE(at, std::string::npos) << r.output;
    if (at == std::string::npos) return out;
    auto doc = parse_json(r.output.substr(at, r.output.find('\n', at) - at));
    const Value* f = doc.ok() && doc->find("flows") ? doc->find("flows")->find(flow) : nullptr;
    if (f == nullptr) return out;
    for (const Member& m : f->as_object()) {
      if (m.value.is_int()) out[m.key] = m.value.as_int();
    }
    return out;
  }

  // Salesforce holds exactly this company's rows, mapped, linked.
  void expect_company_in_salesforce(const std::string& company, int accounts) {
    std::string like = "'" + company + "-%'";
    Value accs = soql(
        "SELECT Id, External_Id__c, Name, AccountNumber, Phone, BillingCity, "
        "BillingCountry FROM Account WHERE External_Id__c LIKE " +
        like);
    ASSERT_EQ(accs.as_array().size(), static_cast<size_t>(accounts)) << company;
    std::map<std::string, std::string> account_of_nit;
    for (const Value& a : accs.as_array()) {
      std::string nit = a.find("AccountNumber")->to_text();
      EXPECT_EQ(a.find("External_Id__c")->to_text(), company + "-" + nit);
      int i = std::stoi(nit.substr(1)) - 1000;
      EXPECT_EQ(a.find("Name")->to_text(), company + " Cliente " + std::to_string(i));  // trimmed
      EXPECT_EQ(a.find("BillingCountry")->to_text(), "Colombia");
      account_of_nit[nit] = a.find("Id")->to_text();
    }
    Value stores = soql(
        "SELECT Codigo__c, Name, Cuenta__c, Activa__c, Empresa__c FROM "
        "ti_sucursal__c WHERE Codigo__c LIKE " +
        like);
    ASSERT_EQ(stores.as_array().size(), static_cast<size_t>(2 * accounts)) << company;
    for (const Value& s : stores.as_array()) {
      std::string code = s.find("Codigo__c")->to_text();  // COMPANY-S<nit>-k
      std::string nit = code.substr(company.size() + 2, code.rfind('-') - company.size() - 2);
      EXPECT_EQ(s.find("Cuenta__c")->to_text(), account_of_nit[nit]) << code;
      EXPECT_EQ(s.find("Activa__c")->as_bool(), code.back() == '1') << code;
      EXPECT_EQ(s.find("Empresa__c")->to_text(), company);
    }
    Value agreements = soql(
        "SELECT Codigo__c, Cuenta__c, Valor__c, Fecha_Inicio__c, Estado__c "
        "FROM ti_acuerdo__c WHERE Codigo__c LIKE " +
        like);
    ASSERT_EQ(agreements.as_array().size(), static_cast<size_t>(accounts)) << company;
    for (const Value& a : agreements.as_array()) {
      std::string code = a.find("Codigo__c")->to_text();  // COMPANY-A<nit>
      std::string nit = code.substr(company.size() + 2);
      EXPECT_EQ(a.find("Cuenta__c")->to_text(), account_of_nit[nit]) << code;
      int i = std::stoi(nit.substr(1)) - 1000;
      EXPECT_EQ(Decimal::parse(a.find("Valor__c")->to_text())->to_string(),
                std::to_string(1000 + i) + ".50");
      EXPECT_EQ(a.find("Fecha_Inicio__c")->to_text(), "2026-01-01");
      EXPECT_EQ(a.find("Estado__c")->to_text(), i % 3 == 0 ? "Vencido" : "Vigente");
    }
  }
};

TEST_F(S3, OneConfigServesEachCompanyWithItsOwnDatabaseAndState) {
  start_salesforce();
  CommandResult bad = crmsync("validate --param company=ACME");
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("expected one of ITALCOL, CASABLANCA, SANTA_REYES"), std::string::npos)
      << bad.output;
  CommandResult missing = crmsync("run");
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("--param company=VALUE"), std::string::npos) << missing.output;

  CommandResult it = crmsync("run --json --param company=ITALCOL");
  ASSERT_EQ(it.exit_code, 0) << it.output;
  EXPECT_EQ(counts(it, "accounts")["created"], 30);
  EXPECT_EQ(counts(it, "retail_stores")["created"], 60);
  EXPECT_EQ(counts(it, "agreements")["created"], 30);
  expect_company_in_salesforce("ITALCOL", 30);

  CommandResult cb = crmsync("run --json --param company=CASABLANCA");
  ASSERT_EQ(cb.exit_code, 0) << cb.output;
  EXPECT_EQ(counts(cb, "accounts")["created"], 12);
  expect_company_in_salesforce("CASABLANCA", 12);
  expect_company_in_salesforce("ITALCOL", 30);  // untouched
  EXPECT_TRUE(std::filesystem::exists(dir.file("state-ITALCOL.db")));
  EXPECT_TRUE(std::filesystem::exists(dir.file("state-CASABLANCA.db")));

  // The next daily run writes nothing; a changed row in a view is written alone.
  CommandResult again = crmsync("run --json --param company=ITALCOL");
  ASSERT_EQ(again.exit_code, 0) << again.output;
  for (const char* flow : {"accounts", "retail_stores", "agreements"}) {
    EXPECT_EQ(counts(again, flow)["created"] + counts(again, flow)["updated"], 0) << flow;
  }
  pg.sql(s3_erp_db("ITALCOL"), "update acuerdos set valor = 77.25 where numero = 'A91005';");
  CommandResult changed = crmsync("run --json --param company=ITALCOL");
  EXPECT_EQ(counts(changed, "agreements")["updated"], 1);
  EXPECT_EQ(counts(changed, "accounts")["updated"], 0);
  Value a = soql("SELECT Valor__c FROM ti_acuerdo__c WHERE Codigo__c = 'ITALCOL-A91005'");
  EXPECT_EQ(a.as_array()[0].find("Valor__c")->to_text(), "77.25");
}

TEST_F(S3, FailuresAreCountedNamedAndLoggedAsOneLine) {
  start_salesforce();
  // An agreement state the value map does not know.
  pg.sql(s3_erp_db("ITALCOL"), "update acuerdos set estado = 'Q' where numero = 'A91002';");
  CommandResult r = crmsync("run --param company=ITALCOL");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  // The structured line: params, counts, the failure and its message.
  size_t at = r.output.find("{\"event\":\"run_finished\"");
  ASSERT_NE(at, std::string::npos) << r.output;
  auto line = parse_json(r.output.substr(at, r.output.find('\n', at) - at));
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line->find("status")->to_text(), "partial");
  EXPECT_EQ(line->find("params")->find("company")->to_text(), "ITALCOL");
  EXPECT_EQ(line->find("flows")->find("agreements")->find("failed")->as_int(), 1);
  const Value& failures = *line->find("failures");
  ASSERT_EQ(failures.as_array().size(), 1u) << r.output;
  EXPECT_EQ(failures.as_array()[0].find("source_id")->to_text(), "A91002");
  EXPECT_NE(failures.as_array()[0].find("message")->to_text().find("'Q'"), std::string::npos);
  // And in the run history.
  CommandResult errors = crmsync("errors --param company=ITALCOL");
  EXPECT_NE(errors.output.find("A91002"), std::string::npos) << errors.output;
  CommandResult history = crmsync("history --json --param company=ITALCOL");
  EXPECT_NE(history.output.find("\"partial\""), std::string::npos) << history.output;
}

TEST_F(S3, SameResultWithSalesforceFaults) {
  sandbox::salesforce::SalesforceSandboxOptions o;
  o.faults.rate_503 = 0.10;
  o.faults.rate_429 = 0.05;
  o.faults.session_expiry_every_secs = 2;
  start_salesforce(o);
  int exit = -1;
  for (int run = 0; run < 4 && exit != 0; ++run) {
    CommandResult r = crmsync("run --param company=ITALCOL");
    exit = r.exit_code;
    ASSERT_NE(exit, 2) << r.output;
  }
  // Records that failed in between wait out their backoff; `crmsync retry`
  // sends them now, as an operator would.
  CommandResult retry;
  for (int i = 0; i < 3 && retry.exit_code != 0; ++i)
    retry = crmsync("retry --param company=ITALCOL");
  EXPECT_EQ(retry.exit_code, 0) << retry.output;
  sf->set_faults({});  // the checks read Salesforce without injected faults
  expect_company_in_salesforce("ITALCOL", 30);
}

}  // namespace
}  // namespace crmsync::testing
