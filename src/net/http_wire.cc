#include "net/http_wire.h"

#include <cctype>
#include <cstdint>
#include <cstdio>

#include "core/json.h"
#include "net/url.h"

namespace crmsync::net {

namespace {
// RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t extra;
    uint32_t cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (size_t k = 1; k <= extra; ++k) {
      auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

bool header_is(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}
}  // namespace

Status parse_target(std::string_view target, HttpRequest& request) {
  if (target.rfind("http://", 0) == 0 || target.rfind("https://", 0) == 0) {
    size_t slash = target.find('/', target.find("//") + 2);
    target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
  }
  if (target.empty() || (target[0] != '/' && target != "*"))
    return Error(ErrorKind::rejected, "request target is not a path");
  size_t question = target.find('?');
  request.path = url_decode(target.substr(0, question), false);
  if (!is_utf8(request.path)) return Error(ErrorKind::rejected, "request path is not UTF-8");
  if (request.path.find('\0') != std::string::npos)
    return Error(ErrorKind::rejected, "request path holds a NUL byte");
  request.query.clear();
  if (question == std::string_view::npos) return Status();
  std::string_view rest = target.substr(question + 1);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string key = url_decode(pair.substr(0, eq));
      std::string value = eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1));
      request.query.emplace(std::move(key), std::move(value));
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return Status();
}

std::string response_head(const HttpResponse& response, size_t body_length, bool chunked,
                          bool close) {
  std::string out;
  out.reserve(256);
  out += "HTTP/1.1 ";
  out += std::to_string(response.status);
  out += ' ';
  out += reason_phrase(response.status);
  out += "\r\n";
  bool has_type = false;
  for (const auto& [name, value] : response.headers) {
    // The framing is the server's; a handler's own would contradict it.
    if (header_is(name, "content-length") || header_is(name, "transfer-encoding") ||
        header_is(name, "connection"))
      continue;
    has_type = has_type || header_is(name, "content-type");
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (!has_type && !response.content_type.empty()) {
    out += "Content-Type: ";
    out += response.content_type;
    out += "\r\n";
  }
  if (chunked) {
    out += "Transfer-Encoding: chunked\r\n";
  } else {
    out += "Content-Length: ";
    out += std::to_string(body_length);
    out += "\r\n";
  }
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
  return out;
}

std::string chunk(std::string_view data) {
  char size[20];
  int n = std::snprintf(size, sizeof(size), "%zx\r\n", data.size());
  std::string out(size, static_cast<size_t>(n));
  out += data;
  out += "\r\n";
  return out;
}

HttpResponse server_error(int status, std::string_view why) {
  HttpResponse response;
  response.status = status;
  response.content_type = "application/json";
  std::string body = "{\"error\":";
  append_json_string(reason_phrase(status), body);
  body += ",\"message\":";
  append_json_string(why, body);
  body += ",\"status\":" + std::to_string(status) + "}";
  response.body = std::move(body);
  return response;
}

std::string access_log_line(std::string_view method, std::string_view target, int status,
                            long long micros) {
  std::string line(method);
  line += ' ';
  size_t question = target.find('?');
  line += target.substr(0, question);
  if (question != std::string_view::npos) {
    std::string_view rest = target.substr(question + 1);
    char sep = '?';
    while (!rest.empty()) {
      size_t amp = rest.find('&');
      std::string_view pair = rest.substr(0, amp);
      line += sep;
      line += pair.substr(0, pair.find('='));
      sep = '&';
      if (amp == std::string_view::npos) break;
      rest = rest.substr(amp + 1);
    }
  }
  line += ' ';
  line += std::to_string(status);
  line += ' ';
  line += std::to_string(micros);
  line += "us";
  return line;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 402:
      return "Payment Required";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Entity";
    case 423:
      return "Locked";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

}  // namespace crmsync::net
