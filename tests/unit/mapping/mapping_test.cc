#include "mapping/mapping.h"

#include <gtest/gtest.h>

namespace crmsync::mapping {
namespace {

MappingEntry entry(const std::string& target, Value spec) {
  MappingEntry e;
  e.target = target;
  e.spec = std::move(spec);
  e.location = Location{"m.yaml", 7, 3, "flows.f.mapping." + target};
  return e;
}

Value obj(std::initializer_list<Member> m) {
  return Value(Object(m));
}

Record source() {
  Record r(make_field_names({"Name", "Email", "Stage", "Amount", "When", "Phone", "Mobile",
                             "Account", "Lines", "Flag", "Parent"}));
  r.value(0) = "  Ada King Lovelace ";
  r.value(1) = " ADA@Example.COM ";
  r.value(2) = "Closed Won";
  r.value(3) = "1.234,50";
  r.value(4) = "31/01/2024";
  r.value(6) = "555-0100";
  r.value(7) = obj({{"Name", Value("Acme")}});
  r.value(8) =
      Value(Array{obj({{"sku", Value("A1")}, {"qty", Value("2")}, {"product", Value("P1")}}),
                  obj({{"sku", Value("B2")}, {"qty", Value("5")}, {"product", Value("P2")}})});
  r.value(9) = "yes";
  r.value(10) = "001PARENT";
  return r;
}

std::unique_ptr<CompiledMapping> compiled(std::vector<MappingEntry> entries,
                                          SchemaHints hints = {}) {
  auto r = compile(entries, hints);
  std::string errs;
  for (const auto& d : r.diagnostics) errs += d.to_string() + "\n";
  EXPECT_TRUE(r.mapping != nullptr) << errs;
  return std::move(r.mapping);
}

TEST(Mapping, SourceFormsAndTransforms) {
  auto m = compiled({
      entry("name", Value("Name")),
      entry("first", obj({{"from", Value("Name")},
                          {"transform",
                           Value(Array{Value("trim"), obj({{"split_name", Value("first")}})})}})),
      entry("last",
            obj({{"from", Value("Name")}, {"transform", obj({{"split_name", Value("last")}})}})),
      entry("email", obj({{"from", Value("Email")},
                          {"transform", Value(Array{Value("trim"), Value("lower")})}})),
      entry("amount",
            obj({{"from", Value("Amount")},
                 {"transform", obj({{"number", obj({{"decimal_separator", Value(",")},
                                                    {"group_separator", Value(".")}})}})}})),
      entry("when",
            obj({{"from", Value("When")}, {"transform", obj({{"date", Value("%d/%m/%Y")}})}})),
      entry("label", obj({{"template", Value("{Account.Name}: {Stage} {{x}}")}})),
      entry("phone", obj({{"coalesce", Value(Array{Value("Phone"), Value("Mobile")})}})),
      entry("source", obj({{"value", Value("salesforce")}})),
      entry("flag", obj({{"from", Value("Flag")}, {"transform", Value("boolean")}})),
      entry("short", obj({{"value", Value("h\xc3\xa9llo")},
                          {"transform", obj({{"truncate", Value(int64_t{2})}})}})),
      entry("money",
            obj({{"value", Value(*Decimal::parse("1234567.891"))},
                 {"transform", obj({{"format_number", obj({{"decimals", Value(int64_t{2})},
                                                           {"decimal_separator", Value(",")},
                                                           {"group_separator", Value(".")}})}})}})),
      entry("day", obj({{"value", Value("2024-02-05")},
                        {"transform",
                         Value(Array{Value("date"), obj({{"format_date", Value("%d %b %Y")}})})}})),
  });
  auto out = m->apply(source());
  ASSERT_TRUE(out.ok()) << out.error().message;
  const Record& r = out->record;
  EXPECT_EQ(r.get("name")->as_string(), "  Ada King Lovelace ");
  EXPECT_EQ(r.get("first")->as_string(), "Ada King");
  EXPECT_EQ(r.get("last")->as_string(), "Lovelace");
  EXPECT_EQ(r.get("email")->as_string(), "ada@example.com");
  EXPECT_EQ(r.get("amount")->as_decimal().to_string(), "1234.50");
  EXPECT_EQ(r.get("when")->as_date().to_string(), "2024-01-31");
  EXPECT_EQ(r.get("label")->as_string(), "Acme: Closed Won {x}");
  EXPECT_EQ(r.get("phone")->as_string(), "555-0100");
  EXPECT_EQ(r.get("source")->as_string(), "salesforce");
  EXPECT_TRUE(r.get("flag")->as_bool());
  EXPECT_EQ(r.get("short")->as_string(), "h\xc3\xa9");  // never cuts inside a character
  EXPECT_EQ(r.get("money")->as_string(), "1.234.567,89");
  EXPECT_EQ(r.get("day")->as_string(), "05 Feb 2024");
  EXPECT_EQ(m->target_fields().front(), "name");
}

TEST(Mapping, ValueMapDefaultAndRequired) {
  auto m = compiled({
      entry("stage",
            obj({{"from", Value("Stage")},
                 {"map", obj({{"Closed Won", Value("won")}, {"Prospecting", Value("lead")}})}})),
      entry("other", obj({{"from", Value("Email")},
                          {"map", obj({{"x", Value("y")}})},
                          {"default", Value("unknown")}})),
      entry("missing", obj({{"from", Value("Nope")}, {"default", Value(int64_t{0})}})),
  });
  auto out = m->apply(source());
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->record.get("stage")->as_string(), "won");
  EXPECT_EQ(out->record.get("other")->as_string(), "unknown");
  EXPECT_EQ(out->record.get("missing")->as_int(), 0);

  auto strict = compiled(
      {entry("stage", obj({{"from", Value("Email")}, {"map", obj({{"a", Value("b")}})}}))});
  auto bad = strict->apply(source());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::rejected);
  EXPECT_NE(bad.error().message.find("stage: no mapping for ' ADA@Example.COM '"),
            std::string::npos);

  auto req = compiled({entry("phone", obj({{"from", Value("Phone")}, {"required", Value(true)}}))});
  auto missing = req->apply(source());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("phone: required"), std::string::npos);

  auto num =
      compiled({entry("n", obj({{"from", Value("Stage")}, {"transform", Value("integer")}}))});
  auto nan = num->apply(source());
  ASSERT_FALSE(nan.ok());
  EXPECT_NE(nan.error().message.find("'Closed Won'"), std::string::npos);
}

TEST(Mapping, RefsTopLevelAndInsideEach) {
  auto m = compiled({
      entry("parent_id", obj({{"ref", Value("accounts")}, {"from", Value("Parent")}})),
      entry("lines",
            obj({{"each", Value("Lines")},
                 {"mapping",
                  obj({{"code", Value("sku")},
                       {"quantity", obj({{"from", Value("qty")}, {"transform", Value("integer")}})},
                       {"product_id",
                        obj({{"ref", Value("products")}, {"from", Value("product")}})}})}})),
  });
  EXPECT_EQ(m->referenced_flows(), (std::vector<std::string>{"accounts", "products"}));
  auto out = m->apply(source());
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->refs.size(), 3u);
  EXPECT_EQ(out->refs[0].flow, "accounts");
  EXPECT_EQ(out->refs[0].source_id, "001PARENT");
  EXPECT_EQ(out->refs[2].item_index, 1);
  EXPECT_EQ(out->refs[2].item_field, "product_id");
  for (const auto& r : out->refs) set_ref(*out, r, "T-" + r.source_id);
  EXPECT_EQ(out->record.get("parent_id")->as_string(), "T-001PARENT");
  const Value& lines = *out->record.get("lines");
  ASSERT_EQ(lines.as_array().size(), 2u);
  EXPECT_EQ(lines.as_array()[1].find("product_id")->as_string(), "T-P2");
  EXPECT_EQ(lines.as_array()[1].find("quantity")->as_int(), 5);
  EXPECT_EQ(lines.as_array()[0].find("code")->as_string(), "A1");
}

TEST(Mapping, LuaEscapeHatch) {
  auto m = compiled({
      entry("expr", obj({{"lua", Value("rec.Stage:upper() .. '!'")}})),
      entry("chunk", obj({{"lua", Value("local n = 0 for _, l in ipairs(rec.Lines) do n = n + "
                                        "tonumber(l.qty) end return n")}})),
  });
  auto out = m->apply(source());
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->record.get("expr")->as_string(), "CLOSED WON!");
  EXPECT_EQ(out->record.get("chunk")->as_int(), 7);
  EXPECT_NE(std::find(m->source_fields().begin(), m->source_fields().end(), "Lines"),
            m->source_fields().end());

  auto loop = compiled({entry("x", obj({{"lua", Value("while true do end")}}))});
  auto stopped = loop->apply(source());
  ASSERT_FALSE(stopped.ok());
  EXPECT_NE(stopped.error().message.find("too long"), std::string::npos);

  auto io = compiled(
      {entry("x", obj({{"lua", Value("return io ~= nil or os ~= nil or require ~= nil")}}))});
  auto sandboxed = io->apply(source());
  ASSERT_TRUE(sandboxed.ok());
  EXPECT_FALSE(sandboxed->record.get("x")->as_bool());
}

TEST(Mapping, CompileDiagnosticsAllAtOnce) {
  MappingEntry typo = entry("a", obj({{"fro", Value("Name")}}));
  typo.key_locations["fro"] = Location{"m.yaml", 12, 9, "flows.f.mapping.a.fro"};
  SchemaHints hints;
  hints.source_fields = {"Name", "Email"};
  hints.flows = {"accounts"};
  auto r = compile({typo, entry("b", obj({{"from", Value("Name")}, {"value", Value(1)}})),
                    entry("c", obj({{"from", Value("Name")}, {"transform", Value("uper")}})),
                    entry("d", Value("Emial")),
                    entry("e", obj({{"ref", Value("acounts")}, {"from", Value("Name")}})),
                    entry("f", obj({{"lua", Value("return (")}}))},
                   hints);
  EXPECT_EQ(r.mapping, nullptr);
  auto has = [&](const std::string& text, int line = 0) {
    for (const auto& d : r.diagnostics) {
      if (d.message.find(text) != std::string::npos && (line == 0 || d.location.line == line)) {
        return true;
      }
    }
    return false;
  };
  EXPECT_TRUE(has("did you mean 'from'", 12));
  EXPECT_TRUE(has("more than one of"));
  EXPECT_TRUE(has("did you mean 'upper'"));
  EXPECT_TRUE(has("no field 'Emial'; did you mean 'Email'"));
  EXPECT_TRUE(has("no flow named 'acounts'"));
  EXPECT_TRUE(has("Lua"));
}

// fuzz_mapping's input {"split": ""}: the split found the empty separator
// at the same place for ever and the run never ended.
TEST(Mapping, SplitOnAnEmptySeparatorIsACompileError) {
  auto r =
      compile({entry("parts", obj({{"from", Value("Name")},
                                   {"transform", Value(Array{obj({{"split", Value("")}}),
                                                             obj({{"join", Value(", ")}})})}}))});
  EXPECT_EQ(r.mapping, nullptr);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_NE(r.diagnostics[0].message.find("the separator must not be empty"), std::string::npos)
      << r.diagnostics[0].message;
}

TEST(Mapping, FieldIndexCacheFollowsRecordShapes) {
  auto m = compiled({entry("x", Value("b"))});
  Record r1(make_field_names({"a", "b"}));
  r1.value(1) = "one";
  Record r2(make_field_names({"b"}));
  r2.value(0) = "two";
  EXPECT_EQ(m->apply(r1)->record.get("x")->as_string(), "one");
  EXPECT_EQ(m->apply(r2)->record.get("x")->as_string(), "two");
  EXPECT_EQ(m->apply(r1)->record.get("x")->as_string(), "one");
}

}  // namespace
}  // namespace crmsync::mapping
