#include "sandbox/salesforce/wire.h"

#include "core/json.h"

namespace crmsync::sandbox::salesforce {

void append_error_object(const SfError& e, const char* code_key, std::string& out) {
  out += "{\"";
  out += code_key;
  out += "\":";
  append_json_string(e.code, out);
  out += ",\"message\":";
  append_json_string(e.message, out);
  out += ",\"fields\":[";
  for (size_t i = 0; i < e.fields.size(); ++i) {
    if (i) out += ',';
    append_json_string(e.fields[i], out);
  }
  out += "]}";
}

void answer_error(net::HttpResponse& res, const SfError& e) {
  std::string body = "[";
  append_error_object(e, "errorCode", body);
  body += ']';
  answer_json(res, e.http_status, std::move(body));
}

void answer_json(net::HttpResponse& res, int status, std::string body) {
  res.status = status;
  res.content_type = kJsonType;
  res.body = std::move(body);
}

void append_save_result(const std::string& id, const SfError* error, std::string& out,
                        const bool* created) {
  out += '{';
  if (!id.empty()) {
    out += "\"id\":";
    append_json_string(id, out);
    out += ',';
  }
  out += error ? "\"success\":false,\"errors\":[" : "\"success\":true,\"errors\":[";
  if (error) append_error_object(*error, "statusCode", out);
  out += ']';
  if (created) out += *created ? ",\"created\":true" : ",\"created\":false";
  out += '}';
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() &&
               std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> parse_form(std::string_view body) {
  std::map<std::string, std::string> out;
  while (!body.empty()) {
    size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    size_t eq = pair.find('=');
    out[url_decode(pair.substr(0, eq))] =
        eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    body.remove_prefix(amp + 1);
  }
  return out;
}

std::string base64(std::string_view in) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    uint32_t n = (uint8_t(in[i]) << 16) | (uint8_t(in[i + 1]) << 8) | uint8_t(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += k[(n >> s) & 63];
  }
  if (i < in.size()) {
    uint32_t n = uint8_t(in[i]) << 16;
    if (i + 1 < in.size()) n |= uint8_t(in[i + 1]) << 8;
    out += k[(n >> 18) & 63];
    out += k[(n >> 12) & 63];
    out += i + 1 < in.size() ? k[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace crmsync::sandbox::salesforce
