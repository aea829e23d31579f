#include "net/http_framing.h"

#include <algorithm>
#include <cctype>

namespace crmsync::net {

namespace {

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lowered(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The codings of every field, in order, lower-cased, parameters dropped;
// empty list elements skipped (RFC 9110 section 5.6.1).
std::vector<std::string> codings_of(const std::vector<std::string_view>& fields) {
  std::vector<std::string> out;
  for (std::string_view field : fields) {
    while (!field.empty()) {
      size_t comma = field.find(',');
      std::string_view item = trim_ows(field.substr(0, comma));
      field = comma == std::string_view::npos ? std::string_view() : field.substr(comma + 1);
      item = trim_ows(item.substr(0, item.find(';')));
      if (!item.empty()) out.push_back(lowered(item));
    }
  }
  return out;
}

FramingRefusal faulty(std::string why) {
  return {400, "malformed request: " + why};
}

}  // namespace

std::optional<FramingRefusal> check_request_framing(
    int version, const std::vector<std::string_view>& transfer_encodings, bool has_content_length) {
  if (transfer_encodings.empty()) return std::nullopt;
  if (version < 11)
    return faulty("Transfer-Encoding in an HTTP/1.0 request (its body length is unknown)");
  if (has_content_length) return faulty("both Transfer-Encoding and Content-Length");
  std::vector<std::string> codings = codings_of(transfer_encodings);
  if (codings.empty()) return faulty("Transfer-Encoding without a coding");
  if (codings.back() != "chunked")
    return faulty("Transfer-Encoding '" + codings.back() +
                  "' is not chunked last (the body length is unknown)");
  if (std::count(codings.begin(), codings.end(), "chunked") > 1)
    return faulty("Transfer-Encoding chunked more than once");
  if (codings.size() > 1)
    return FramingRefusal{
        501, "Transfer-Encoding '" + codings.front() + "' is not implemented (only chunked is)"};
  return std::nullopt;
}

std::string announced_body_too_large(unsigned long long announced, size_t limit) {
  return "request body longer than " + std::to_string(limit) + " bytes: Content-Length announces " +
         std::to_string(announced);
}

std::string body_too_large(size_t limit) {
  return "request body longer than " + std::to_string(limit) + " bytes";
}

}  // namespace crmsync::net
