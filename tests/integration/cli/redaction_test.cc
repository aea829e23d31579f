#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <vector>

#include "core/base64.h"
#include "core/json.h"
#include "core/utf8.h"
#include "support/echo_server.h"
#include "support/temp_dir.h"

// Issue 30 parts 5-6 through the real binary: an API that echoes the request
// (headers and body) in its error answers, for every connection type. No
// secret, in any of the forms it travelled in, may reach stdout, stderr, the
// state store's bytes, `--json`, `history` or `errors`; every --json output
// parses, whatever bytes the API answered.
namespace crmsync::testing {
namespace {

// Spaces, a quote, '/', '+' and a non-ASCII letter: every encoding differs.
const std::string kSecret = "Pa ss/w+rd\"\xCE\xA9x9";
const std::string kUser = "alice@example.com";
const std::string kToken = "tok-runtime-5f2c9a1e7b";  // handed out by a login / token answer

struct Output {
  int exit_code = -1;
  std::string out, err;
};

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs the binary in `dir` with the secret in the environment.
Output run_crmsync(const TempDir& dir, const std::string& args) {
  std::string cmd = "cd '" + dir.path().string() + "' && API_SECRET='" + kSecret + "' " +
                    CRMSYNC_BINARY + " " + args + " 2>stderr.txt";
  Output r;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int st = pclose(p);
  r.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  r.err = file_bytes(dir.file("stderr.txt"));
  return r;
}

std::string percent_encoded(const std::string& s, bool plus) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ' && plus) {
      out += '+';
    } else {
      char b[4];
      std::snprintf(b, sizeof b, "%%%02X", c);
      out += b;
    }
  }
  return out;
}

// The forms a secret travels in, computed here independently of the redactor.
std::vector<std::string> secret_forms(const std::string& secret, const std::string& user) {
  std::string json;
  append_json_string(secret, json);
  json = json.substr(1, json.size() - 2);
  std::vector<std::string> f = {secret, percent_encoded(secret, false),
                                percent_encoded(secret, true), json, base64_encode(secret)};
  if (!user.empty()) f.push_back(base64_encode(user + ":" + secret));
  // Long enough prefixes: a message cut at an excerpt limit must not keep
  // half a secret either (the base64 forms are checked whole).
  return f;
}

void expect_no_secret(const std::string& where, const std::string& text,
                      const std::vector<std::string>& secrets, const std::string& user) {
  for (const std::string& s : secrets) {
    for (const std::string& form : secret_forms(s, user)) {
      EXPECT_EQ(text.find(form), std::string::npos)
          << where << " holds a form of a secret: " << form << "\n"
          << text.substr(0, 4000);
    }
  }
}

struct Case {
  std::string name;
  std::string connection;                                  // the YAML of connection `api`
  std::string object;                                      // the source object
  std::vector<std::pair<std::string, std::string>> fixed;  // path -> 200 JSON answer
  std::vector<std::string> secrets = {kSecret};
  bool json_body = false;   // the echo inside a JSON "message"
  bool via_target = false;  // the API is the target: per-record errors
};

std::string echo_config(const Case& c, const std::string& url) {
  std::string conn = c.connection;
  for (size_t at = conn.find("URL"); at != std::string::npos; at = conn.find("URL", at))
    conn.replace(at, 3, url);
  if (c.via_target) {
    return "connections:\n  api:\n" + conn +
           "  files: {type: file, dir: data}\n"
           "flows:\n  f:\n    source: {connection: files, object: people.csv, id_field: id}\n"
           "    target: {connection: api, object: " +
           c.object + "}\n    mapping: {name: name}\n";
  }
  return "connections:\n  api:\n" + conn +
         "  db: {type: sqlite, path: out.db}\n"
         "flows:\n  f:\n    source: {connection: api, object: " +
         c.object +
         "}\n    target: {connection: db, object: t, id_field: id}\n    mapping: {name: name}\n";
}

std::vector<Case> echo_cases() {
  const std::string rest_objects =
      "    objects: {customers: {path: /customers, records_pointer: /items}}\n";
  std::vector<Case> out = {
      {"rest_basic",
       "    type: rest\n    base_url: URL\n    auth: basic\n    username: " + kUser +
           "\n    password: ${API_SECRET}\n" + rest_objects,
       "customers",
       {}},
      {"rest_basic_json_echo",
       "    type: rest\n    base_url: URL\n    auth: basic\n    username: " + kUser +
           "\n    password: ${API_SECRET}\n" + rest_objects,
       "customers",
       {},
       {kSecret},
       true},
      {"rest_bearer",
       "    type: rest\n    base_url: URL\n    auth: bearer\n    token: ${API_SECRET}\n" +
           rest_objects,
       "customers",
       {}},
      {"rest_api_key_header",
       "    type: rest\n    base_url: URL\n    auth: api_key\n    api_key: ${API_SECRET}\n" +
           rest_objects,
       "customers",
       {}},
      {"rest_api_key_query",
       "    type: rest\n    base_url: URL\n    auth: api_key\n    api_key: ${API_SECRET}\n"
       "    api_key_in: query\n    api_key_name: key\n" +
           rest_objects,
       "customers",
       {}},
      {"rest_session_login_echoed",
       "    type: rest\n    base_url: URL\n    auth: session\n    username: " + kUser +
           "\n    password: ${API_SECRET}\n    login_path: /login\n" + rest_objects,
       "customers",
       {},
       {kSecret},
       true},
      {"rest_session_token_echoed",
       "    type: rest\n    base_url: URL\n    auth: session\n    username: " + kUser +
           "\n    password: ${API_SECRET}\n    login_path: /login\n" + rest_objects,
       "customers",
       {{"/login", "{\"token\": \"" + kToken + "\"}"}},
       {kSecret, kToken}},
      {"rest_oauth2_client_credentials",
       "    type: rest\n    base_url: URL\n    auth: oauth2_client_credentials\n"
       "    token_url: /oauth/token\n    client_id: my-client\n    client_secret: ${API_SECRET}\n" +
           rest_objects,
       "customers",
       {{"/oauth/token", "{\"access_token\": \"" + kToken + "\", \"token_type\": \"bearer\"}"}},
       {kSecret, kToken}},
      {"rest_oauth2_token_endpoint_echoed",
       "    type: rest\n    base_url: URL\n    auth: oauth2_password\n    token_url: /oauth/token\n"
       "    client_id: my-client\n    client_secret: ${API_SECRET}\n    username: " +
           kUser + "\n    password: ${API_SECRET}\n" + rest_objects,
       "customers",
       {}},
      {"rest_target_basic_record_errors",
       "    type: rest\n    base_url: URL\n    auth: basic\n    username: " + kUser +
           "\n    password: ${API_SECRET}\n" + rest_objects,
       "customers",
       {},
       {kSecret},
       false,
       true},
      {"salesforce_password_login_echoed",
       "    type: salesforce\n    auth: password\n    login_url: URL\n    username: " + kUser +
           "\n    password: ${API_SECRET}\n    client_id: my-client\n"
           "    client_secret: ${API_SECRET}\n",
       "Contact",
       {}},
      {"salesforce_oauth_session_echoed",
       "    type: salesforce\n    auth: refresh_token\n    login_url: URL\n"
       "    client_id: my-client\n    client_secret: ${API_SECRET}\n"
       "    refresh_token: ${API_SECRET}\n",
       "Contact",
       {{"/services/oauth2/token",
         "{\"access_token\": \"" + kToken + "\", \"instance_url\": \"URL\"}"}},
       {kSecret, kToken}},
      {"pipedrive_api_token",
       "    type: pipedrive\n    auth: api_token\n    api_token: ${API_SECRET}\n"
       "    base_url: URL\n",
       "persons",
       {}},
      {"pipedrive_oauth",
       "    type: pipedrive\n    auth: oauth\n    client_id: my-client\n"
       "    client_secret: ${API_SECRET}\n    refresh_token: ${API_SECRET}\n"
       "    oauth_url: URL\n    base_url: URL\n",
       "persons",
       {}},
  };
  return out;
}

class Redaction : public ::testing::TestWithParam<Case> {};

TEST_P(Redaction, NoSecretInAnyOutputOrTheStateStore) {
  const Case& c = GetParam();
  EchoServer server(c.via_target ? 422 : 401);
  server.set_json(c.json_body);
  for (const auto& [path, body] : c.fixed) {
    std::string b = body;
    for (size_t at = b.find("URL"); at != std::string::npos; at = b.find("URL", at))
      b.replace(at, 3, server.url());
    server.answer(path, 200, b);
  }
  TempDir dir;
  dir.write("crmsync.yaml", echo_config(c, server.url()));
  dir.write("data/people.csv", "id,name\n1,Ada\n2,Grace\n");

  std::string user = c.connection.find(kUser) != std::string::npos ? kUser : "my-client";
  Output run = run_crmsync(dir, "run");
  EXPECT_NE(run.exit_code, 0) << run.out << run.err;
  EXPECT_GT(server.requests(), 0) << run.out << run.err;
  std::string all = run.out + run.err;
  for (const char* cmd : {"run --json", "history", "history --json", "errors", "errors --json"}) {
    Output o = run_crmsync(dir, cmd);
    all += o.out + o.err;
    if (std::string(cmd).find("--json") != std::string::npos) {
      EXPECT_TRUE(parse_json(o.out).ok()) << cmd << ": " << o.out;
    }
  }
  // The echo did happen: the secret was quoted back at least in one form.
  EXPECT_NE(all.find("you sent"), std::string::npos) << all.substr(0, 3000);
  expect_no_secret("output", all, c.secrets, user);
  std::string store =
      file_bytes(dir.file("crmsync.state.db")) + file_bytes(dir.file("crmsync.state.db-wal"));
  EXPECT_FALSE(store.empty());
  expect_no_secret("state store", store, c.secrets, user);
}

INSTANTIATE_TEST_SUITE_P(EveryConnectionType, Redaction, ::testing::ValuesIn(echo_cases()),
                         [](const auto& info) { return info.param.name; });

// Random bytes as API error bodies: every --json output still parses.
TEST(RedactionJson, RandomBytesInErrorBodiesNeverBreakJsonOutput) {
  std::mt19937 rng(6);
  for (int round = 0; round < 4; ++round) {
    EchoServer server(round % 2 ? 500 : 401);
    std::string tail(1 + rng() % 64, '\0');
    for (char& ch : tail) ch = static_cast<char>(rng());
    if (round == 0) tail = "\xff\xfe";
    if (round == 1) tail = "\\ud800 \xed\xa0\x80";
    server.set_tail(tail);
    server.set_json(round % 3 == 0);
    Case c = echo_cases()[0];
    TempDir dir;
    dir.write("crmsync.yaml", echo_config(c, server.url()));
    for (const char* cmd : {"run --json", "history --json", "errors --json"}) {
      Output o = run_crmsync(dir, cmd);
      auto doc = parse_json(o.out);
      EXPECT_TRUE(doc.ok()) << "round " << round << " " << cmd << ": "
                            << (doc.ok() ? "" : doc.error().message) << "\n"
                            << o.out;
      EXPECT_TRUE(is_valid_utf8(o.err)) << cmd << ": " << o.err;
    }
  }
}

// Issue 30 part 7: an answer that is not JSON is reported with the parser's
// cause and byte offset, not as a missing token.
TEST(AnswerParsing, AnUnparsableLoginAnswerNamesTheCauseAndOffset) {
  EchoServer server(401);
  server.answer("/login", 200, "{\"token\": \"abc");
  Case c = echo_cases()[6];  // rest_session_token_echoed
  c.fixed.clear();
  TempDir dir;
  dir.write("crmsync.yaml", echo_config(c, server.url()));
  Output o = run_crmsync(dir, "run");
  EXPECT_NE(o.exit_code, 0);
  EXPECT_NE((o.out + o.err).find("invalid JSON at byte 14 of 14"), std::string::npos)
      << o.out << o.err;
}

}  // namespace
}  // namespace crmsync::testing
