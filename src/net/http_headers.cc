#include "net/http_headers.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace crmsync::net {

namespace {
char lower(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}
}  // namespace

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](char x, char y) { return lower(x) < lower(y); });
}

std::optional<std::string> find_header(const HttpHeaders& headers, std::string_view name) {
  auto it = headers.find(name);
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

void set_header(HttpHeaders& headers, std::string_view name, std::string value) {
  auto range = headers.equal_range(name);
  headers.erase(range.first, range.second);
  headers.emplace(std::string(name), std::move(value));
}

bool is_secret_header(std::string_view name) {
  static constexpr std::array<std::string_view, 6> kSecret = {
      "authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-token", "x-api-key"};
  return std::any_of(kSecret.begin(), kSecret.end(),
                     [&](std::string_view s) { return iequals(s, name); });
}

}  // namespace crmsync::net
