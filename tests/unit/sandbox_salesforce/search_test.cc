#include "sandbox/salesforce/search.h"

#include <gtest/gtest.h>

#include "core/json.h"
#include "store_fixture.h"

namespace crmsync::sandbox::salesforce {
namespace {

SearchSpec sosl(std::string_view text) {
  auto r = parse_sosl(text);
  EXPECT_TRUE(std::holds_alternative<SearchSpec>(r))
      << text << ": " << (std::holds_alternative<SfError>(r) ? std::get<SfError>(r).message : "");
  return std::holds_alternative<SearchSpec>(r) ? std::get<SearchSpec>(r) : SearchSpec{};
}

std::string sosl_error(std::string_view text) {
  auto r = parse_sosl(text);
  return std::holds_alternative<SfError>(r) ? std::get<SfError>(r).code : "";
}

TEST(SalesforceSosl, ParsesTermScopeReturningAndLimit) {
  auto s = sosl(
      "FIND {Acme \\} Co} IN NAME FIELDS RETURNING Account(Id, Name WHERE BillingCity = 'x (y)' "
      "ORDER BY Name LIMIT 3), Contact LIMIT 50");
  EXPECT_EQ(s.term, "Acme } Co");
  EXPECT_EQ(s.scope, "NAME");
  ASSERT_EQ(s.objects.size(), 2u);
  EXPECT_EQ(s.objects[0].name, "Account");
  EXPECT_EQ(s.objects[0].fields, "Id, Name ");
  EXPECT_EQ(s.objects[0].clauses, "WHERE BillingCity = 'x (y)' ORDER BY Name LIMIT 3");
  EXPECT_EQ(s.objects[1].name, "Contact");
  EXPECT_EQ(s.objects[1].fields, "Id");
  EXPECT_EQ(s.limit, 50);
  EXPECT_EQ(sosl("find 'quoted' in all fields").term, "quoted");
}

TEST(SalesforceSosl, MalformedStatements) {
  EXPECT_EQ(sosl_error("FIND Acme"), "MALFORMED_SEARCH");
  EXPECT_EQ(sosl_error("SELECT Id FROM Account"), "MALFORMED_SEARCH");
  EXPECT_EQ(sosl_error("FIND {Acme"), "MALFORMED_SEARCH");
  EXPECT_EQ(sosl_error("FIND {Acme} IN BODY FIELDS"), "MALFORMED_SEARCH");
  EXPECT_EQ(sosl_error("FIND {Acme} RETURNING Account(Id"), "MALFORMED_SEARCH");
  EXPECT_EQ(sosl_error("FIND {Acme} WITH DIVISION = 'x'"), "MALFORMED_SEARCH");
}

struct SearchFixture : StoreFixture {
  std::vector<std::string> names(const std::string& text) {
    auto r = run_search(store, sosl(text), "60.0");
    if (auto* e = std::get_if<SfError>(&r)) return {e->code};
    std::vector<std::string> out;
    auto v = parse_json(std::get<std::string>(r));
    for (const Value& rec : v->find("searchRecords")->as_array()) {
      const Value* n = rec.find("Name");
      out.push_back(n && n->is_string() ? n->as_string() : rec.find("Id")->as_string());
    }
    return out;
  }
};

TEST(SalesforceSearch, MatchesWholeWordsWildcardsPhrasesAndOr) {
  SearchFixture f;
  f.create("Account", {{"Name", "Acme Widgets"}, {"Description", "makes anvils"}});
  f.create("Account", {{"Name", "Acmeville Inc"}, {"Phone", "+1 (555) 010-9999"}});
  f.create("Account", {{"Name", "Globex"}});
  using V = std::vector<std::string>;
  const char* ret = " RETURNING Account(Name ORDER BY Name)";
  EXPECT_EQ(f.names(std::string("FIND {acme}") + ret), V{"Acme Widgets"});
  EXPECT_EQ(f.names(std::string("FIND {acme*}") + ret), (V{"Acme Widgets", "Acmeville Inc"}));
  EXPECT_EQ(f.names(std::string("FIND {anvils}") + ret), V{"Acme Widgets"});
  EXPECT_EQ(f.names(std::string("FIND {anvils} IN NAME FIELDS") + ret), V{});
  EXPECT_EQ(f.names(std::string("FIND {\"acme widgets\"}") + ret), V{"Acme Widgets"});
  EXPECT_EQ(f.names(std::string("FIND {\"widgets acme\"}") + ret), V{});
  EXPECT_EQ(f.names(std::string("FIND {globex OR anvils}") + ret), (V{"Acme Widgets", "Globex"}));
  EXPECT_EQ(f.names(std::string("FIND {acme inc}") + ret), V{});
  EXPECT_EQ(f.names(std::string("FIND {5550109999} IN PHONE FIELDS") + ret), V{"Acmeville Inc"});
  EXPECT_EQ(f.names("FIND {acme*} RETURNING Account(Name ORDER BY Name LIMIT 1)"),
            V{"Acme Widgets"});
  EXPECT_EQ(f.names("FIND {acme*} RETURNING Account(Name ORDER BY Name OFFSET 1)"),
            V{"Acmeville Inc"});
  EXPECT_EQ(f.names("FIND {acme*} RETURNING Account(Name WHERE Name LIKE '%Inc')"),
            V{"Acmeville Inc"});
  EXPECT_EQ(f.names("FIND {acme*} RETURNING Account(Name ORDER BY Name) LIMIT 1"),
            V{"Acme Widgets"});
  EXPECT_EQ(f.names("FIND {a}"), V{"MALFORMED_SEARCH"});
  EXPECT_EQ(f.names("FIND {acme} RETURNING Nope"), V{"INVALID_TYPE"});
  EXPECT_EQ(f.names("FIND {acme} RETURNING Account(Nope)"), V{"INVALID_FIELD"});
  EXPECT_EQ(f.names("FIND {acme} RETURNING Account(Name WHERE)"), V{"MALFORMED_SEARCH"});
}

}  // namespace
}  // namespace crmsync::sandbox::salesforce
