#include <gtest/gtest.h>

#include <string>

#include "config/loader.h"
#include "core/redact.h"

namespace crmsync {
namespace {

LoadResult load_hooks(const std::string& webhooks, const std::string& trigger = "{webhook: true}",
                      const std::string& serve = "") {
  std::string text = serve +
                     "connections:\n"
                     "  a:\n"
                     "    type: file\n"
                     "    dir: data\n" +
                     webhooks +
                     "flows:\n"
                     "  f:\n"
                     "    source: {connection: a, object: o}\n"
                     "    target: {connection: a, object: p}\n"
                     "    mapping: {x: y}\n"
                     "    trigger: " +
                     trigger + "\n";
  return load_config_text(text, "w.yaml", [](const std::string&) -> std::optional<std::string> {
    return std::nullopt;
  });
}

std::string webhook_diags(const LoadResult& r) {
  std::string s;
  for (const auto& d : r.diagnostics) s += d.to_string() + "\n";
  return s;
}

TEST(ConfigWebhooks, ReadsPipedriveScheme) {
  auto r = load_hooks(
      "    webhooks:\n"
      "      scheme: pipedrive\n"
      "      password: hook-password-123\n",
      "{webhook: true, schedule: every 5m}", "serve:\n  public_url: https://sync.example.com/\n");
  ASSERT_TRUE(r.ok()) << webhook_diags(r);
  const auto& w = r.config.connections.at(0).webhooks;
  ASSERT_TRUE(w.has_value());
  EXPECT_EQ(w->scheme, WebhookConfig::Scheme::pipedrive);
  EXPECT_EQ(w->user, "crmsync");
  EXPECT_EQ(w->password, "hook-password-123");
  EXPECT_EQ(r.config.serve.public_url, "https://sync.example.com");
  const TriggerConfig& t = r.config.flows.at(0).trigger;
  EXPECT_TRUE(t.webhook);
  EXPECT_FALSE(t.manual);
  // The connection's own options do not see the block.
  EXPECT_EQ(r.config.connections.at(0).options.get("webhooks"), nullptr);
  EXPECT_EQ(Redactor::process().redact("pw hook-password-123"), "pw ***");
}

TEST(ConfigWebhooks, ReadsStandardAndPlaces) {
  auto r = load_hooks(
      "    webhooks:\n"
      "      scheme: standard\n"
      "      secrets: [whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw, whsec_second0000000000]\n"
      "      tolerance: 2m\n"
      "      event_id: header.webhook-id\n"
      "      object: body.type\n"
      "      id: body.data.id\n"
      "      action: query.event\n"
      "      actions: {Update: update, Remove: delete}\n"
      "      objects: {Identity: o}\n");
  ASSERT_TRUE(r.ok()) << webhook_diags(r);
  const auto& w = *r.config.connections.at(0).webhooks;
  EXPECT_EQ(w.scheme, WebhookConfig::Scheme::standard);
  EXPECT_EQ(w.secrets.size(), 2u);
  EXPECT_EQ(w.tolerance_micros, 120'000'000);
  EXPECT_EQ(w.event_id_at, "header.webhook-id");
  EXPECT_EQ(w.id_at, "body.data.id");
  EXPECT_EQ(w.actions.at("Remove"), "delete");
  EXPECT_EQ(w.objects.at("Identity"), "o");
}

TEST(ConfigWebhooks, ReportsEachProblemAtItsKey) {
  auto missing = load_hooks(
      "    webhooks:\n"
      "      scheme: pipedrive\n");
  EXPECT_NE(webhook_diags(missing).find("w.yaml:6:7:"), std::string::npos)
      << webhook_diags(missing);
  EXPECT_NE(webhook_diags(missing).find("connections.a.webhooks.password"), std::string::npos);

  auto bad = load_hooks(
      "    webhooks:\n"
      "      scheme: path_secret\n"
      "      path_secret: short\n"
      "      id: data.id\n"
      "      actions: {Update: upsert}\n");
  const std::string text = webhook_diags(bad);
  EXPECT_NE(text.find("w.yaml:7:20: connections.a.webhooks.path_secret"), std::string::npos)
      << text;
  EXPECT_EQ(text.find("short"), std::string::npos) << "a secret in an error: " << text;
  EXPECT_NE(text.find("connections.a.webhooks.id: expected where"), std::string::npos) << text;
  EXPECT_NE(text.find("connections.a.webhooks.actions.Update: expected create, update or delete"),
            std::string::npos)
      << text;

  auto scheme = load_hooks("    webhooks: {scheme: hmac}\n");
  EXPECT_NE(webhook_diags(scheme).find("expected pipedrive, standard or path_secret, found 'hmac'"),
            std::string::npos)
      << webhook_diags(scheme);
}

TEST(ConfigWebhooks, WebhookTriggerNeedsTheBlock) {
  auto r = load_hooks("");
  EXPECT_NE(
      webhook_diags(r).find("flows.f.trigger.webhook: connection 'a' has no 'webhooks:' block"),
      std::string::npos)
      << webhook_diags(r);
  auto manual = load_hooks("    webhooks: {scheme: pipedrive, password: pw-123456}\n",
                           "{webhook: true, manual: true}");
  EXPECT_NE(webhook_diags(manual).find("remove 'schedule', 'cdc' and 'webhook'"), std::string::npos)
      << webhook_diags(manual);
}

TEST(ConfigWebhooks, ServeNeedsAnHttpUrl) {
  auto r = load_hooks("    webhooks: {scheme: pipedrive, password: pw-123456}\n", "{webhook: true}",
                      "serve:\n  public_url: sync.example.com\n");
  EXPECT_NE(
      webhook_diags(r).find("w.yaml:2:15: serve.public_url: expected an http:// or https:// URL"),
      std::string::npos)
      << webhook_diags(r);
}

}  // namespace
}  // namespace crmsync
