#include "sandbox/common/json_object.h"

#include <ctime>

#include "core/time.h"

namespace crmsync::sandbox {

const Value* member(const Object& object, std::string_view key) {
  for (const auto& m : object)
    if (m.key == key) return &m.value;
  return nullptr;
}

void put(Object& object, std::string_view key, Value value) {
  for (auto& m : object) {
    if (m.key == key) {
      m.value = std::move(value);
      return;
    }
  }
  object.push_back(Member{std::string(key), std::move(value)});
}

bool erase(Object& object, std::string_view key) {
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (it->key == key) {
      object.erase(it);
      return true;
    }
  }
  return false;
}

namespace {
std::string format_utc(int64_t epoch_secs, const char* format) {
  std::time_t t = static_cast<std::time_t>(epoch_secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  size_t n = std::strftime(buf, sizeof(buf), format, &tm);
  return std::string(buf, n);
}
}  // namespace

std::string rfc3339(int64_t epoch_secs) {
  return format_utc(epoch_secs, "%Y-%m-%dT%H:%M:%SZ");
}
std::string sql_datetime(int64_t epoch_secs) {
  return format_utc(epoch_secs, "%Y-%m-%d %H:%M:%S");
}

int64_t parse_rfc3339(std::string_view text) {
  std::tm tm{};
  std::string s(text);
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr) rest = strptime(s.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
  if (rest == nullptr) return -1;
  if (*rest == '.')
    while (*++rest >= '0' && *rest <= '9') {
    }
  int64_t offset = 0;
  if (*rest == '+' || *rest == '-') {
    int hours = 0, minutes = 0;
    if (std::sscanf(rest + 1, "%2d:%2d", &hours, &minutes) != 2) return -1;
    offset = (hours * 3600 + minutes * 60) * (*rest == '+' ? 1 : -1);
    rest += 6;
  } else if (*rest == 'Z') {
    ++rest;
  }
  if (*rest != '\0') return -1;
  return static_cast<int64_t>(timegm(&tm)) - offset;
}

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out.push_back(kAlphabet[(n >> shift) & 63]);
  }
  if (i < bytes.size()) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= uint8_t(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

bool base64_decode(std::string_view text, std::string& out) {
  out.clear();
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    const char* at = std::char_traits<char>::find(kAlphabet, 64, c);
    if (at == nullptr) return false;
    buffer = (buffer << 6) | static_cast<uint32_t>(at - kAlphabet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return true;
}

}  // namespace crmsync::sandbox
