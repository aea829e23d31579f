// The Salesforce sandbox's SOQL parser: any statement parses or is a
// MALFORMED_QUERY error whose caret message is built for any column.
#include "sandbox/salesforce/soql.h"

#include <cstdint>
#include <string_view>
#include <variant>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace sf = crmsync::sandbox::salesforce;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = sf::parse_soql(text);
  if (auto* q = std::get_if<sf::SoqlQuery>(&parsed)) {
    if (q->where) (void)q->where->to_soql();
    (void)sf::soql_error_message(text, q->object_column, "unexpected token");
  }
  (void)sf::soql_error_message(text, size + 1, "end");
  return 0;
}
