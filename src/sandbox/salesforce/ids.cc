#include "sandbox/salesforce/ids.h"

#include <cctype>

namespace crmsync::sandbox::salesforce {

namespace {
constexpr char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr char kSuffix[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
}  // namespace

std::string id_suffix(std::string_view id15) {
  std::string out;
  for (size_t chunk = 0; chunk < 3; ++chunk) {
    int bits = 0;
    for (size_t i = 0; i < 5; ++i) {
      char c = id15[chunk * 5 + i];
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    out.push_back(kSuffix[bits]);
  }
  return out;
}

std::string make_id(std::string_view prefix, uint64_t n) {
  std::string id(prefix);
  id += "Sb0";
  char digits[9];
  for (int i = 8; i >= 0; --i) {
    digits[i] = kBase62[n % 62];
    n /= 62;
  }
  id.append(digits, 9);
  return id + id_suffix(id);
}

std::optional<std::string> normalize_id(std::string_view id) {
  if (id.size() != 15 && id.size() != 18) return std::nullopt;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return std::nullopt;
  }
  std::string id15(id.substr(0, 15));
  std::string suffix = id_suffix(id15);
  if (id.size() == 18 && id.substr(15) != suffix) return std::nullopt;
  return id15 + suffix;
}

}  // namespace crmsync::sandbox::salesforce
