#include "service/metrics_text.h"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace crmsync::service::metrics_text {

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 when it is not one
// (overlong forms, surrogates and code points above U+10FFFF included).
size_t utf8_sequence_length(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (size_t k = 2; k < len; ++k) {
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  }
  return len;
}

void append_escaped_help(std::string_view help, std::string& out) {
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

}  // namespace

void append_header(std::string_view name, std::string_view help, std::string_view type,
                   std::string& out) {
  out += "# HELP ";
  out += name;
  out += ' ';
  append_escaped_help(help, out);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void append_labels(const std::vector<const char*>& names, const std::vector<std::string>& values,
                   std::string& out) {
  if (names.empty()) return;
  out += '{';
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i];
    out += "=\"";
    out += escape_label_value(i < values.size() ? values[i] : std::string());
    out += '"';
  }
  out += '}';
}

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size();) {
    const char c = value[i];
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      const size_t len = utf8_sequence_length(value, i);
      if (len == 0) {
        out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
        ++i;
        continue;
      }
      out.append(value.substr(i, len));
      i += len;
      continue;
    }
    ++i;
  }
  return out;
}

void append_value(double value, std::string& out) {
  if (std::isnan(value)) {
    out += "NaN";
    return;
  }
  if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
    return;
  }
  char buf[64];
  std::to_chars_result r;
  // Below 2^53 an integral double prints exactly as an integer; above it
  // the shortest form (1e+21) is both exact and what Prometheus parses.
  if (value == std::trunc(value) && std::fabs(value) < 9007199254740992.0) {
    r = std::to_chars(buf, buf + sizeof buf, static_cast<int64_t>(value));
  } else {
    r = std::to_chars(buf, buf + sizeof buf, value);
  }
  out.append(buf, r.ptr);
}

std::string status_class(int http_status) {
  if (http_status < 100 || http_status > 599) return "error";
  return std::to_string(http_status / 100) + "xx";
}

void append_flow_histogram(std::string_view name, const std::string& flow,
                           std::span<const double> bounds, std::span<const uint64_t> per_bucket,
                           double sum, uint64_t count, std::string& out) {
  static const std::vector<const char*> bucket_labels = {"flow", "le"};
  static const std::vector<const char*> flow_label = {"flow"};
  uint64_t cumulative = 0;
  for (size_t i = 0; i < per_bucket.size(); ++i) {
    cumulative += per_bucket[i];
    std::string le = "+Inf";
    if (i < bounds.size()) {
      le.clear();
      append_value(bounds[i], le);
    }
    out += name;
    out += "_bucket";
    append_labels(bucket_labels, {flow, le}, out);
    out += ' ';
    append_value(static_cast<double>(cumulative), out);
    out += '\n';
  }
  out += name;
  out += "_sum";
  append_labels(flow_label, {flow}, out);
  out += ' ';
  append_value(sum, out);
  out += '\n';
  out += name;
  out += "_count";
  append_labels(flow_label, {flow}, out);
  out += ' ';
  append_value(static_cast<double>(count), out);
  out += '\n';
}

}  // namespace crmsync::service::metrics_text
