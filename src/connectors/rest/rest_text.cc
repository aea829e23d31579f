#include "connectors/rest/rest_text.h"

#include <cctype>
#include <cstdint>
#include <cstdlib>

namespace crmsync {

const Value* json_pointer(const Value& root, std::string_view pointer) {
  const Value* v = &root;
  size_t pos = 0;
  while (pos < pointer.size()) {
    if (pointer[pos] != '/') return nullptr;
    size_t end = pointer.find('/', pos + 1);
    if (end == std::string_view::npos) end = pointer.size();
    std::string token;
    for (size_t i = pos + 1; i < end; ++i) {
      if (pointer[i] == '~' && i + 1 < end && (pointer[i + 1] == '0' || pointer[i + 1] == '1')) {
        token += pointer[i + 1] == '0' ? '~' : '/';
        ++i;
      } else {
        token += pointer[i];
      }
    }
    pos = end;
    if (v->is_object()) {
      v = v->find(token);
    } else if (v->is_array()) {
      if (token.empty() || token.find_first_not_of("0123456789") != std::string::npos) {
        return nullptr;
      }
      size_t i = std::strtoull(token.c_str(), nullptr, 10);
      if (i >= v->as_array().size()) return nullptr;
      v = &v->as_array()[i];
    } else {
      return nullptr;
    }
    if (v == nullptr) return nullptr;
  }
  return v;
}

std::string replace_placeholder(std::string text, std::string_view name, std::string_view value) {
  std::string key = "{" + std::string(name) + "}";
  for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at)) {
    text.replace(at, key.size(), value);
    at += value.size();
  }
  return text;
}

std::string resolve_url(const std::string& base_url, const std::string& ref) {
  if (ref.rfind("http://", 0) == 0 || ref.rfind("https://", 0) == 0) return ref;
  if (!ref.empty() && ref[0] == '/') {
    size_t scheme = base_url.find("://");
    size_t path = scheme == std::string::npos ? std::string::npos : base_url.find('/', scheme + 3);
    // A base with a path (/api/v1) and a ref that repeats it is host-relative.
    std::string base_path = path == std::string::npos ? "" : base_url.substr(path);
    bool repeats = !base_path.empty() && ref.rfind(base_path, 0) == 0 &&
                   (ref.size() == base_path.size() || ref[base_path.size()] == '/' ||
                    ref[base_path.size()] == '?');
    if (repeats) {
      return base_url.substr(0, path) + ref;
    }
    return base_url + ref;
  }
  return base_url + "/" + ref;
}

std::optional<std::string> next_link(const net::HttpHeaders& headers) {
  auto [from, to] = headers.equal_range("Link");
  for (auto it = from; it != to; ++it) {
    std::string_view v = it->second;
    size_t pos = 0;
    while (pos < v.size()) {
      size_t lt = v.find('<', pos);
      if (lt == std::string_view::npos) break;
      size_t gt = v.find('>', lt);
      if (gt == std::string_view::npos) break;
      size_t next = v.find('<', gt);
      std::string_view params =
          v.substr(gt + 1, next == std::string_view::npos ? v.npos : next - gt - 1);
      std::string lower;
      for (char c : params) {
        if (c != '"' && c != ' ') {
          lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
      }
      // rel may list several types: rel="next last".
      size_t rel = lower.find("rel=");
      if (rel != std::string::npos) {
        std::string_view types = std::string_view(lower).substr(rel + 4);
        types = types.substr(0, types.find_first_of(";,"));
        if (types == "next" || types.rfind("next", 0) == 0) {
          return std::string(v.substr(lt + 1, gt - lt - 1));
        }
      }
      if (next == std::string_view::npos) break;
      pos = next;
    }
  }
  return std::nullopt;
}

namespace {

uint32_t rotl(uint32_t x, int c) {
  return (x << c) | (x >> (32 - c));
}

}  // namespace

std::string md5_hex(std::string_view text) {
  static const uint32_t k[64] = {
      0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613,
      0xfd469501, 0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193,
      0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d,
      0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed,
      0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
      0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa,
      0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244,
      0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
      0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
      0xeb86d391};
  static const int r[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                            5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                            4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                            6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};
  std::string msg(text);
  uint64_t bits = static_cast<uint64_t>(msg.size()) * 8;
  msg += static_cast<char>(0x80);
  while (msg.size() % 64 != 56) msg += '\0';
  for (int i = 0; i < 8; ++i) msg += static_cast<char>((bits >> (8 * i)) & 0xff);
  uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
  for (size_t off = 0; off < msg.size(); off += 64) {
    uint32_t w[16];
    for (int i = 0; i < 16; ++i) {
      const auto* p = reinterpret_cast<const unsigned char*>(msg.data() + off + 4 * i);
      w[i] = p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    for (int i = 0; i < 64; ++i) {
      uint32_t f;
      int g;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) % 16;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) % 16;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) % 16;
      }
      uint32_t tmp = d;
      d = c;
      c = b;
      b = b + rotl(a + f + k[i] + w[g], r[i]);
      a = tmp;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
  }
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (uint32_t v : h) {
    for (int i = 0; i < 4; ++i) {
      unsigned byte = (v >> (8 * i)) & 0xff;
      out += hex[byte >> 4];
      out += hex[byte & 15];
    }
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  static const char* abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += abc[(n >> s) & 63];
  }
  if (i < bytes.size()) {
    uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += abc[(n >> 18) & 63];
    out += abc[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? abc[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace crmsync
