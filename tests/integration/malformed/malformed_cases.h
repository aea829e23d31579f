#pragma once

// The malformed-input table: every row is one bad input to one layer and
// what crmsync must say about it. malformed_test.cc is its only runner.
//
//   layer   config: a crmsync.yaml (expect: a diagnostic)
//           api:    the answer of a REST list endpoint, served by a real
//                   HTTP server (status, content type, body) to a flow
//                   rest -> sqlite that already synced 3 records
//           csv:    the file of a flow file -> sqlite that already synced
//                   3 records
//           http:   raw bytes sent to crmsync's HTTP server (net/http_server)
//   kind    config: "diagnostic"; api, csv: the ErrorKind of the flow's
//           error or of its stored record errors; http: the status
//   where   where the message says the problem is: "crmsync.yaml:LINE:",
//           "page 1", "row 3", the byte offset...
//   why     a fragment of the message that says what is wrong
#include <string>
#include <vector>

namespace crmsync::testing::malformed {

enum class Layer { config, api, csv, http };

struct Case {
  Layer layer;
  std::string name;
  std::string input;  // YAML, answer body, CSV file, or raw request bytes
  std::string kind;
  std::string where;
  std::string why;
  int status = 200;                               // api: the answer's status
  std::string content_type = "application/json";  // api
};

// A good config, and `text` with `from` replaced by `to` in it.
inline const char* kGoodConfig = R"(connections:
  files: {type: file, dir: data}
  db: {type: sqlite, path: target.db}
flows:
  customers:
    source: {connection: files, object: customers.csv, id_field: customer_no}
    target: {connection: db, object: customers, id_field: id}
    match: {target_field: customer_no}
    retry: {max_attempts: 5}
    mapping:
      customer_no: customer_no
      name: name
)";

inline std::string replaced(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

inline std::string config_with(const std::string& from, const std::string& to) {
  return replaced(kGoodConfig, from, to);
}

inline std::string deep_json(int depth) {
  return "{\"items\": " + std::string(static_cast<size_t>(depth), '[') +
         std::string(static_cast<size_t>(depth), ']') + "}";
}

inline const char* kGoodPage =
    R"({"items": [{"id": "1", "name": "a"}, {"id": "2", "name": "b"}, {"id": "3", "name": "c"}]})";
inline const char* kGoodCsv = "customer_no,name\nC1,a\nC2,b\nC3,c\n";

inline std::string utf16le(const std::string& ascii, bool bom) {
  std::string out = bom ? std::string("\xFF\xFE", 2) : std::string();
  for (char c : ascii) {
    out += c;
    out += '\0';
  }
  return out;
}

inline std::vector<Case> all_cases() {
  using L = Layer;
  const std::string get = "GET /api/v1/runs HTTP/1.1\r\nHost: localhost\r\n";
  const std::string post = "POST /api/v1/runs HTTP/1.1\r\nHost: x\r\n";
  std::vector<Case> c = {
      // --- config ---------------------------------------------------------
      {L::config, "empty file", "", "diagnostic", "crmsync.yaml",
       "expected a map with the keys state, connections and flows"},
      {L::config, "only a comment", "# nothing here\n", "diagnostic", "crmsync.yaml",
       "expected a map with the keys state, connections and flows"},
      {L::config, "a scalar document", "just text\n", "diagnostic", "crmsync.yaml:1:1",
       "expected a map with the keys state, connections and flows"},
      {L::config, "a list document", "- a\n- b\n", "diagnostic", "crmsync.yaml:1:1",
       "expected a map with the keys state, connections and flows"},
      {L::config, "tab indentation", config_with("  customers:", "\tcustomers:"), "diagnostic",
       "crmsync.yaml:5:11", "YAML syntax error"},
      {L::config, "unclosed flow mapping",
       config_with("{type: file, dir: data}", "{type: file, dir: data"), "diagnostic",
       "crmsync.yaml:3:5", "end of map flow not found"},

      {L::config, "bad indentation", config_with("    mapping:", "   mapping:"), "diagnostic",
       "crmsync.yaml:10:4", "end of map not found"},
      {L::config, "unknown top-level key", std::string(kGoodConfig) + "flowz: {}\n", "diagnostic",
       "crmsync.yaml:13:1", "did you mean 'flows'"},
      {L::config, "unknown flow key",
       config_with("    retry: {max_attempts: 5}", "    retyr: {max_attempts: 5}"), "diagnostic",
       "crmsync.yaml:9:5", "unknown key 'retyr'"},
      {L::config, "connection without type", config_with("{type: file, dir: data}", "{dir: data}"),
       "diagnostic", "crmsync.yaml:2:10", "missing required key 'type'"},
      {L::config, "unknown connector type",
       config_with("{type: file, dir: data}", "{type: filez, dir: data}"), "diagnostic",
       "crmsync.yaml:2:17", "no connector type 'filez'; did you mean 'file'?"},
      {L::config, "flow names an unknown connection",
       config_with("{connection: files,", "{connection: filez,"), "diagnostic", "crmsync.yaml:6:26",
       "no connection named 'filez'; did you mean 'files'?"},
      {L::config, "flow without source",
       config_with(
           "    source: {connection: files, object: customers.csv, id_field: customer_no}\n", ""),
       "diagnostic", "flows.customers.source", "missing required key 'source'"},
      {L::config, "flow without target",
       config_with("    target: {connection: db, object: customers, id_field: id}\n", ""),
       "diagnostic", "flows.customers.target", "missing required key 'target'"},
      {L::config, "max_attempts is text", config_with("max_attempts: 5", "max_attempts: many"),
       "diagnostic", "crmsync.yaml:9:27", "expected a whole number from 1 to 1000, found 'many'"},
      {L::config, "max_attempts is negative", config_with("max_attempts: 5", "max_attempts: -5"),
       "diagnostic", "crmsync.yaml:9:27", "found '-5'"},
      {L::config, "max_attempts is a list", config_with("max_attempts: 5", "max_attempts: [1, 2]"),
       "diagnostic", "crmsync.yaml:9:27", "expected a text value"},
      {L::config, "unset environment variable",
       config_with("name: name", "name: ${CRMSYNC_NOT_SET}"), "diagnostic", "crmsync.yaml:12:13",
       "environment variable CRMSYNC_NOT_SET is not set"},
      {L::config, "unclosed ${", config_with("name: name", "name: ${CRMSYNC_NOT_SET"), "diagnostic",
       "crmsync.yaml:12:13", "unterminated ${ in value"},
      {L::config, "empty ${}", config_with("name: name", "name: ${}"), "diagnostic",
       "crmsync.yaml:12:13", "is not set"},
      {L::config, "bad on_delete",
       config_with("    retry: {max_attempts: 5}", "    on_delete: shred"), "diagnostic",
       "crmsync.yaml:9:16", "found 'shred'"},
      {L::config, "bad max_deletes",
       config_with("    retry: {max_attempts: 5}", "    max_deletes: lots"), "diagnostic",
       "crmsync.yaml:9:18", "found 'lots'"},
      {L::config, "bad cron schedule",
       config_with("    retry: {max_attempts: 5}", "    trigger: {schedule: \"61 * * * *\"}"),
       "diagnostic", "crmsync.yaml:9:25", "value 61 is out of range 0-59"},
      {L::config, "jitter without a schedule",
       config_with("    retry: {max_attempts: 5}", "    trigger: {jitter: 5}"), "diagnostic",
       "crmsync.yaml:9:23", "the number has no unit"},
      {L::config, "bad connection name", config_with("  db: {type", "  d b: {type"), "diagnostic",
       "crmsync.yaml:3:3", "a connection name uses letters, digits, _ and - only"},
      {L::config, "connections is a list",
       config_with(
           "connections:\n  files: {type: file, dir: data}\n  db: {type: sqlite, path: target.db}",
           "connections: [files, db]"),
       "diagnostic", "crmsync.yaml:1:14", "expected a map of keys"},
      {L::config, "flows is a scalar",
       "connections:\n  db: {type: sqlite, path: target.db}\nflows: 3\n", "diagnostic",
       "crmsync.yaml:3:8", "expected a map of keys"},
      {L::config, "mapping is a list",
       config_with("    mapping:\n      customer_no: customer_no\n      name: name",
                   "    mapping: [customer_no, name]"),
       "diagnostic", "crmsync.yaml:10:14", "expected a map of keys"},
      {L::config, "duplicate key",
       config_with("      name: name", "      name: name\n      name: other"), "diagnostic",
       "crmsync.yaml:13:7", "duplicate key 'name'"},
      {L::config, "unknown alias", config_with("dir: data", "dir: *nowhere"), "diagnostic",
       "crmsync.yaml:2:28", "the referenced anchor is not defined"},

      {L::config, "a NUL byte", config_with("name: name", std::string("name: na\0me", 11)),
       "diagnostic", "crmsync.yaml:12:17", "YAML syntax error"},

      {L::config, "deep nesting", "connections: " + std::string(5000, '[') + "\n", "diagnostic",
       "crmsync.yaml:2:1", "YAML syntax error"},
      {L::config, "binary garbage",
       std::string("\x7f"
                   "ELF\x02\x01\x01\0\0\0",
                   10),
       "diagnostic", "crmsync.yaml:1:10", "YAML syntax error"},

      // --- api answers --------------------------------------------------
      {L::api, "truncated JSON", std::string(kGoodPage).substr(0, 40), "fatal", "page 1",
       "the text ends before the JSON value does"},
      {L::api, "empty body", "", "fatal", "page 1", "has no array at '/items'"},
      {L::api, "HTML error page with status 200",
       "<html><body><h1>Service Unavailable</h1></body></html>", "fatal", "byte 0 of 54",
       "unexpected '<'", 200, "text/html"},
      {L::api, "HTML labelled JSON", "<!DOCTYPE html><html><body>Login</body></html>", "fatal",
       "byte 0 of 46", "unexpected '<'"},
      {L::api, "XML", "<?xml version=\"1.0\"?><items><item id=\"1\"/></items>", "fatal",
       "byte 0 of 50", "unexpected '<'", 200, "application/xml"},
      {L::api, "records under another key", R"({"data": [{"id": "1"}]})", "fatal", "page 1",
       "has no array at '/items'"},
      {L::api, "items is an object", R"({"items": {"id": "1"}})", "fatal", "page 1",
       "has no array at '/items'"},
      {L::api, "items is null", R"({"items": null})", "fatal", "page 1",
       "has no array at '/items'"},
      {L::api, "items is a string", R"({"items": "none"})", "fatal", "page 1",
       "has no array at '/items'"},
      {L::api, "records are numbers", R"({"items": [1, 2, 3]})", "rejected", "record 3 of page 1",
       "not a JSON object"},
      {L::api, "records are strings", R"({"items": ["1", "2"]})", "rejected", "record 2 of page 1",
       "not a JSON object"},
      {L::api, "records are arrays", R"({"items": [["1", "a"]]})", "rejected", "record 1 of page 1",
       "not a JSON object"},
      {L::api, "a record without id", R"({"items": [{"id": "1", "name": "a"}, {"name": "b"}]})",
       "rejected", "record 2 of page 1", "has no id at /id"},
      {L::api, "id is null", R"({"items": [{"id": null, "name": "a"}]})", "rejected",
       "record 1 of page 1", "has no id at /id"},
      {L::api, "id is an object", R"({"items": [{"id": {"value": 1}, "name": "a"}]})", "rejected",
       "record 1 of page 1", "is not a string or number"},
      {L::api, "id is an array", R"({"items": [{"id": [1], "name": "a"}]})", "rejected",
       "record 1 of page 1", "is not a string or number"},
      {L::api, "id is a boolean", R"({"items": [{"id": true, "name": "a"}]})", "rejected",
       "record 1 of page 1", "is not a string or number"},
      {L::api, "id is empty", R"({"items": [{"id": "", "name": "a"}]})", "rejected",
       "record 1 of page 1", "has no id at /id"},
      {L::api, "duplicate ids",
       R"({"items": [{"id": "1", "name": "a"}, {"id": "1", "name": "b"}]})", "rejected", "id 1 ",
       "appears more than once"},
      {L::api, "NaN", R"({"items": [{"id": NaN}]})", "fatal", "byte 18 of 24", "unexpected 'N'"},
      {L::api, "trailing garbage", std::string(kGoodPage) + " }", "fatal", "byte 90 of 91",
       "trailing content"},
      {L::api, "two documents", std::string(kGoodPage) + std::string(kGoodPage), "fatal",
       "byte 89 of 178", "trailing content"},
      {L::api, "a number too large", R"({"items": [{"id": 1e400, "name": "a"}]})", "fatal",
       "byte 18 of 39", "number out of range"},
      {L::api, "invalid UTF-8 in a string",
       "{\"items\": [{\"id\": \"1\", \"name\": \"a\xff\xfe\"}]}", "fatal", "byte 33 of 39",
       "invalid UTF-8"},
      {L::api, "a raw control character", "{\"items\": [{\"id\": \"1\", \"name\": \"a\x01\"}]}",
       "fatal", "page 1", "is not valid JSON"},
      {L::api, "single quotes", "{'items': [{'id': '1'}]}", "fatal", "byte 1 of 24",
       "unexpected '''"},
      {L::api, "a UTF-16 body", utf16le(kGoodPage, true), "fatal", "byte 0 of 180",
       "invalid UTF-8"},
      {L::api, "nesting 100000 deep", deep_json(100000), "fatal", "page 1", "nested too deeply"},
      {L::api, "a huge page that is cut",
       "{\"items\": [" +
           [] {
             std::string s;
             for (int i = 0; i < 60000; ++i)
               s += "{\"id\": \"" + std::to_string(i) +
                    "\", \"name\": \"xxxxxxxxxxxxxxxxxxxxxxxx\"},";
             return s;
           }(),
       "fatal", "byte 3108901 of 3108901", "truncated"},
      {L::api, "status 500 with HTML", "<html>Internal Server Error</html>", "retryable",
       "HTTP 500", "Internal Server Error", 500, "text/html"},
      {L::api, "status 404", R"({"error": "not found"})", "rejected", "HTTP 404", "not found", 404},
      {L::api, "status 401", R"({"error": "unauthorized"})", "auth", "HTTP 401", "unauthorized",
       401},
      {L::api, "status 429 without Retry-After", R"({"error": "slow down"})", "retryable",
       "HTTP 429", "slow down", 429},
      {L::api, "status 204 without a body", "", "fatal", "page 1", "has no array at '/items'", 204},

      // --- csv ----------------------------------------------------------
      {L::csv, "a quote never closed", "customer_no,name\nC1,a\nC2,\"b\nC3,c\n", "rejected",
       "customers.csv:3", "a quote is never closed"},

      {L::csv, "a short row", "customer_no,name\nC1,a\nC2\nC3,c\n", "rejected", "customers.csv:3",
       "expected 2 columns, found 1"},
      {L::csv, "a long row", "customer_no,name\nC1,a\nC2,b,extra\nC3,c\n", "rejected",
       "customers.csv:3", "expected 2 columns, found 3"},
      {L::csv, "an empty id", "customer_no,name\nC1,a\n,b\nC3,c\n", "rejected", "customers.csv:3",
       "no value in id column 'customer_no'"},
      {L::csv, "a duplicate id", "customer_no,name\nC1,a\nC1,b\nC3,c\n", "rejected", "id C1 ",
       "appears more than once"},
      {L::csv, "a duplicate header", "customer_no,name,name\nC1,a,a\nC2,b,b\nC3,c,c\n", "fatal",
       "customers.csv:1", "names column 'name' twice"},
      {L::csv, "no id column", "number,name\nC1,a\nC2,b\nC3,c\n", "rejected", "customers.csv:2",
       "no value in id column 'customer_no'"},
      {L::csv, "an empty file", "", "rejected", "customers.csv", "is empty (0 bytes"},

      {L::csv, "binary bytes",
       std::string("customer_no,name\nC1,a\nC2,\x01\xff\xfe\0\x9c\nC3,c\n", 30), "rejected",
       "byte offset 26", "is not valid utf-8"},
      {L::csv, "latin-1 without an encoding", "customer_no,name\nC1,a\nC2,M\xfcller\nC3,c\n",
       "rejected", "customers.csv:3", "set encoding: latin1"},

      {L::csv, "UTF-16 without a BOM", utf16le(kGoodCsv, false), "fatal", "customers.csv:1",
       "a UTF-16 file without a byte order mark"},
      {L::csv, "a UTF-8 BOM and a short row",
       "\xEF\xBB\xBF"
       "customer_no,name\nC1,a\nC2\nC3,c\n",
       "rejected", "customers.csv:3", "expected 2 columns, found 1"},
      {L::csv, "two BOMs",
       "\xEF\xBB\xBF\xEF\xBB\xBF"
       "customer_no,name\nC1,a\nC2,b\nC3,c\n",
       "rejected", "customers.csv:2", "no value in id column 'customer_no'"},
      {L::csv, "a NUL in a cell", std::string("customer_no,name\nC1,a\nC2,b\0b\nC3,c\n", 30),
       "rejected", "byte offset 26", "byte 0x00"},

      {L::csv, "semicolons", "customer_no;name\nC1;a\nC2;b\nC3;c\n", "rejected", "customers.csv:2",
       "no value in id column 'customer_no'"},

      // --- http requests ------------------------------------------------
      {L::http, "not HTTP", "HELLO\r\n\r\n", "400", "malformed request", "bad method"},
      {L::http, "no version", "GET /api/v1/runs\r\n\r\n", "400", "malformed request", "bad target"},
      {L::http, "HTTP/2.0 request line", "GET /api/v1/runs HTTP/2.0\r\nHost: x\r\n\r\n", "400",
       "malformed request", "bad version"},
      {L::http, "lower-case version", "GET /api/v1/runs http/1.1\r\nHost: x\r\n\r\n", "400",
       "malformed request", "bad version"},
      {L::http, "target without a slash", "GET api/v1/runs HTTP/1.1\r\nHost: x\r\n\r\n", "400",
       "request target", "is not a path"},
      {L::http, "bad percent escape", "GET /api/v1/%zz HTTP/1.1\r\nHost: x\r\n\r\n", "404",
       "GET /api/v1/%zz", "no route"},
      {L::http, "percent-encoded invalid UTF-8", "GET /api/v1/%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n",
       "400", "request path", "is not UTF-8"},
      {L::http, "a space in the target", "GET /api/v1/ru ns HTTP/1.1\r\nHost: x\r\n\r\n", "400",
       "malformed request", "bad version"},
      {L::http, "a header without a colon", get + "Broken header\r\n\r\n", "400",
       "malformed request", "bad field"},
      {L::http, "a space before the colon", get + "Content-Type : text/plain\r\n\r\n", "400",
       "malformed request", "bad field"},
      {L::http, "a NUL in a header", get + std::string("X-A: a\0b\r\n\r\n", 11), "400",
       "malformed request", "bad value"},
      {L::http, "headers over 64 KiB", get + "X-Big: " + std::string(70000, 'a') + "\r\n\r\n",
       "431", "65536 bytes", "request headers longer than"},
      {L::http, "a target over 16 KiB",
       "GET /api/v1/runs?q=" + std::string(17000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n", "414",
       "16384 bytes", "request target longer than"},
      {L::http, "Content-Length not a number",
       "POST /api/v1/runs HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n", "400",
       "Content-Length", "malformed request"},
      {L::http, "negative Content-Length",
       "POST /api/v1/runs HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", "400",
       "Content-Length", "malformed request"},
      {L::http, "two Content-Lengths",
       "POST /api/v1/runs HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
       "400", "Content-Length", "malformed request"},
      {L::http, "Content-Length and chunked",
       "POST /api/v1/runs HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: "
       "chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
       "400", "Transfer-Encoding", "malformed request"},
      {L::http, "a bad chunk size",
       "POST /api/v1/runs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
       "chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
       "400", "bad chunk", "malformed request"},
      {L::http, "a body over the limit",
       "POST /api/v1/runs HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n{}", "413",
       "longer than 1048576 bytes", "Content-Length announces 999999999"},
      {L::http, "a body over the server's limit",
       "GET /api/v1/runs HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n{}", "413",
       "longer than 67108864 bytes", "Content-Length announces 99999999999"},
      // Request smuggling (RFC 9112 6.1, 6.3): a body whose length the
      // server would read otherwise than a proxy in front of it.
      {L::http, "Transfer-Encoding gzip",
       post + "Transfer-Encoding: gzip\r\n\r\nGET /api/v1/runs HTTP/1.1\r\nHost: x\r\n\r\n", "400",
       "Transfer-Encoding 'gzip'", "is not chunked last"},
      {L::http, "Transfer-Encoding chunked, then identity",
       post + "Transfer-Encoding: chunked, identity\r\n\r\n2\r\n{}\r\n0\r\n\r\n", "400",
       "Transfer-Encoding 'identity'", "is not chunked last"},
      {L::http, "Transfer-Encoding gzip before Content-Length",
       post + "Transfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\n{}", "400", "Transfer-Encoding",
       "both Transfer-Encoding and Content-Length"},
      {L::http, "Transfer-Encoding chunked twice in one field",
       post + "Transfer-Encoding: chunked, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", "400",
       "Transfer-Encoding", "chunked more than once"},
      {L::http, "Transfer-Encoding gzip, then a chunked field",
       post + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
       "501", "Transfer-Encoding 'gzip'", "not implemented"},
      {L::http, "an empty Transfer-Encoding",
       post + "Transfer-Encoding: \r\nContent-Length: 2\r\n\r\n{}", "400", "Transfer-Encoding",
       "malformed request"},
      {L::http, "Transfer-Encoding in HTTP/1.0",
       "POST /api/v1/runs HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
       "2\r\n{}\r\n0\r\n\r\n",
       "400", "Transfer-Encoding in an HTTP/1.0 request", "malformed request"},
      {L::http, "Content-Length with a plus sign", post + "Content-Length: +2\r\n\r\n{}", "400",
       "Content-Length", "malformed request"},
      {L::http, "Content-Length list that disagrees", post + "Content-Length: 2, 3\r\n\r\n{}",
       "400", "Content-Length", "malformed request"},
      {L::http, "Content-Length over 64 bits",
       post + "Content-Length: 99999999999999999999999\r\n\r\n{}", "400", "Content-Length",
       "malformed request"},
      {L::http, "an unknown method", "BREW /api/v1/runs HTTP/1.1\r\nHost: x\r\n\r\n", "404",
       "BREW /api/v1/runs", "no route"},
      {L::http, "an unknown path", "GET /api/v1/nothing HTTP/1.1\r\nHost: x\r\n\r\n", "404",
       "GET /api/v1/nothing", "no route"},
      {L::http, "binary garbage", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),
       "400", "malformed request", "bad method"},
  };
  return c;
}

}  // namespace crmsync::testing::malformed
