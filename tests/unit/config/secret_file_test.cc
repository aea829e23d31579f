// ${file:PATH}: a secret kept in a file of its own, read again by every load
// (so a reload after rotating it uses the new value) and masked everywhere.
#include <gtest/gtest.h>

#include <fstream>

#include "config/loader.h"
#include "core/redact.h"
#include "support/temp_dir.h"

namespace crmsync {
namespace {

const char* kSecretFileConfig =
    "connections:\n"
    "  crm: {type: file, dir: crm, token: \"${file:secrets/crm_token}\"}\n"
    "flows:\n"
    "  people:\n"
    "    source: {connection: crm, object: a.csv}\n"
    "    target: {connection: crm, object: b.csv}\n"
    "    mapping: {name: name}\n";

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

EnvLookup without_env() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

TEST(SecretFile, ReadRelativeToTheConfigAndReadAgainOnEveryLoad) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.path() / "secrets");
  write_text(dir.file("secrets/crm_token"), "first-token-1234\n");
  auto a = load_config_text(kSecretFileConfig, dir.file("crmsync.yaml"), without_env());
  ASSERT_TRUE(a.ok()) << a.diagnostics[0].to_string();
  EXPECT_EQ(a.config.connections[0].options.get("token")->as_string(), "first-token-1234");

  write_text(dir.file("secrets/crm_token"), "rotated-token-5678\r\n");
  auto b = load_config_text(kSecretFileConfig, dir.file("crmsync.yaml"), without_env());
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b.config.connections[0].options.get("token")->as_string(), "rotated-token-5678");
  // A secret from a file is a secret: masked in anything printed.
  EXPECT_EQ(scrub("sent rotated-token-5678").find("rotated-token-5678"), std::string::npos);
}

TEST(SecretFile, MissingFileIsAnErrorAtTheKey) {
  testing::TempDir dir;
  auto r = load_config_text(kSecretFileConfig, dir.file("crmsync.yaml"), without_env());
  ASSERT_FALSE(r.ok());
  const Diagnostic& d = r.diagnostics[0];
  EXPECT_EQ(d.location.key, "connections.crm.token");
  EXPECT_NE(d.message.find("${file:secrets/crm_token}: cannot read the file (No such file"),
            std::string::npos)
      << d.message;
}

}  // namespace
}  // namespace crmsync
