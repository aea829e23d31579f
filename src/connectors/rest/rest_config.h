#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "connectors/registry.h"

namespace crmsync {

enum class RestAuth {
  none,
  basic,
  bearer,
  api_key,
  oauth2_client_credentials,
  oauth2_password,
  session
};
enum class RestPagination { none, page, offset, cursor, link_header, next_url };

// One object (a REST resource) as declared under the connection's `objects:`.
// Paths are relative to base_url; `{id}` in a path is the record id
// (percent-encoded). An empty write path means the operation is not offered.
struct RestObject {
  std::string name;
  std::string path;             // list endpoint
  std::string records_pointer;  // JSON pointer to the records array; "" = the body
  std::string id_pointer = "/id";
  std::vector<std::pair<std::string, std::string>> query;  // fixed list parameters

  RestPagination pagination = RestPagination::none;
  std::string page_param = "page";
  std::string size_param;  // "" = the page size is not sent
  std::string offset_param = "offset";
  std::string cursor_param = "cursor";
  std::string cursor_pointer = "/next_cursor";
  std::string next_url_pointer = "/next";
  int64_t first_page = 1;
  int64_t page_size = 100;

  std::string get_path;     // "" = no read by id
  std::string get_pointer;  // the record in a get answer
  std::string create_path;
  std::string update_path;
  std::string update_method = "PATCH";
  std::string delete_path;
  std::string write_pointer;  // the record in a write answer; "" = the body

  std::string search = "query";          // query | body | none
  std::string search_param = "{field}";  // query parameter name
  std::string search_path;
  std::string search_body;  // JSON text with {field} and {value} (a JSON value)
  std::string search_records_pointer;

  std::string changed_since_param;  // "" = every read is a full read at the API
  std::string changed_since_format = "iso8601";
  std::string changed_field;  // field with the change time (parsed as a timestamp)
};

// Options of a `type: rest` connection, read once from the validated block.
struct RestConfig {
  std::string name;  // the connection's name, for messages
  std::string base_url;
  RestAuth auth = RestAuth::none;
  std::string username, password, password_transform = "none";
  std::string token, api_key, api_key_in = "header", api_key_name = "X-API-Key";
  std::string token_url, client_id, client_secret, scope;
  std::string login_path, login_body, token_pointer = "/token";
  std::string token_header = "Authorization", token_template = "Bearer {token}";
  double session_ttl_secs = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string error_pointer;
  double requests_per_second = 0;
  double timeout_secs = 30;
  int64_t max_attempts = 5;  // sends per call in total (net::HttpSession rules)
  bool verify_tls = true;
  std::map<std::string, RestObject> objects;
};

ComponentSpec rest_spec();
// The keys of one entry of `objects:` (documented in the README and checked
// by `validate`).
const std::vector<OptionSpec>& rest_object_spec();
// Problems in the `objects:` block, located at the object's key.
Diagnostics validate_rest_objects(const ConnectionConfig& config);
void register_rest_connector(ConnectorRegistry& registry);

}  // namespace crmsync
