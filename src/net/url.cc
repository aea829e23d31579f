#include "net/url.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace crmsync::net {

namespace {
bool is_unreserved(unsigned char c) {
  return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_secret_param(std::string_view key) {
  static constexpr std::array<std::string_view, 9> kSecret = {
      "api_token",     "access_token", "refresh_token", "token", "password",
      "client_secret", "api_key",      "key",           "secret"};
  std::string lower(key);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::find(kSecret.begin(), kSecret.end(), lower) != kSecret.end();
}
}  // namespace

std::string url_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (is_unreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string url_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(c == '+' && plus_is_space ? ' ' : c);
  }
  return out;
}

QueryBuilder& QueryBuilder::add(std::string_view key, std::string_view value) {
  params_.emplace_back(std::string(key), std::string(value));
  return *this;
}

QueryBuilder& QueryBuilder::add(std::string_view key, long long value) {
  return add(key, std::to_string(value));
}

std::string QueryBuilder::query() const {
  std::string out;
  for (const auto& [key, value] : params_) {
    if (!out.empty()) out.push_back('&');
    out += url_encode(key);
    out.push_back('=');
    out += url_encode(value);
  }
  return out;
}

std::string QueryBuilder::url(std::string_view base) const {
  std::string out(base);
  std::string q = query();
  if (q.empty()) return out;
  out.push_back(out.find('?') == std::string::npos ? '?' : '&');
  return out + q;
}

std::string redact_url(std::string_view url) {
  size_t qmark = url.find('?');
  if (qmark == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, qmark + 1));
  std::string_view rest = url.substr(qmark + 1);
  bool first = true;
  while (!rest.empty() || first) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    if (!first) out.push_back('&');
    first = false;
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && is_secret_param(url_decode(pair.substr(0, eq)))) {
      out += pair.substr(0, eq + 1);
      out += "REDACTED";
    } else {
      out += pair;
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return out;
}

}  // namespace crmsync::net
