#include "cli/output.h"

#include <cstdarg>
#include <cstdio>

#include "core/json.h"
#include "core/redact.h"
#include "core/time.h"

namespace crmsync::cli {
namespace {

bool numeric(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(c >= '0' && c <= '9') && c != ',' && c != '.' && c != '-') return false;
  }
  return true;
}

// Display width of UTF-8 text (code points; good enough for a terminal table).
size_t width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace

std::string Table::render() const {
  std::vector<size_t> w(header_.size());
  for (size_t i = 0; i < header_.size(); ++i) w[i] = width(header_[i]);
  for (const auto& r : rows_) {
    for (size_t i = 0; i < r.size() && i < w.size(); ++i) w[i] = std::max(w[i], width(r[i]));
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& r, bool head) {
    for (size_t i = 0; i < w.size(); ++i) {
      std::string cell = i < r.size() ? r[i] : "";
      std::string pad(w[i] - width(cell), ' ');
      bool right = !head && numeric(cell);
      out += right ? pad + cell : cell + (i + 1 < w.size() ? pad : "");
      if (i + 1 < w.size()) out += "  ";
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += '\n';
  };
  line(header_, true);
  for (const auto& r : rows_) line(r, false);
  return out;
}

std::string format_time(int64_t micros) {
  if (micros == 0) return "-";
  DateTime t{micros - micros % 1000000, 0};
  std::string s = t.to_iso8601();
  s[10] = ' ';
  return s;
}

std::string format_duration(int64_t micros) {
  char buf[32];
  double secs = static_cast<double>(micros) / 1e6;
  if (secs < 60) {
    std::snprintf(buf, sizeof buf, "%.1fs", secs);
  } else {
    long s = static_cast<long>(secs);
    std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
  }
  return buf;
}

std::string format_count(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

Value counts_json(const FlowCounts& c) {
  Object o{{"read", Value(c.read)},          {"created", Value(c.created)},
           {"updated", Value(c.updated)},    {"skipped", Value(c.skipped)},
           {"deleted", Value(c.deleted)},    {"failed", Value(c.failed)},
           {"api_calls", Value(c.api_calls)}};
  if (c.expected >= 0) o.push_back({"expected", Value(c.expected)});
  return Value(std::move(o));
}

namespace {
Value time_or_null(int64_t micros) {
  return micros ? Value(DateTime{micros, 0}) : Value();
}
}  // namespace

Value run_json(const RunInfo& r) {
  Object flows;
  for (const auto& [name, c] : r.flows) flows.push_back({name, counts_json(c)});
  Array requested;
  for (const std::string& f : r.request.flows) requested.push_back(Value(f));
  Object params;
  for (const auto& [k, v] : r.request.params) params.push_back({k, Value(v)});
  Object o{{"run_id", Value(r.id)},
           {"status", Value(std::string(to_string(r.status)))},
           {"trigger", Value(r.trigger)},
           {"queued_at", time_or_null(r.queued_at)},
           {"started_at", time_or_null(r.started_at)},
           {"ended_at", time_or_null(r.ended_at)},
           {"message", Value(r.message)},
           {"requested_flows", Value(std::move(requested))},
           {"params", Value(std::move(params))},
           {"full", Value(r.request.full)},
           {"owner", Value(r.owner)},
           {"cancel_requested", Value(r.cancel_requested)}};
  if (r.request.resumed_from) o.push_back({"resumed_from", Value(r.request.resumed_from)});
  if (r.resumed_by) o.push_back({"resumed_by", Value(r.resumed_by)});
  o.push_back({"flows", Value(std::move(flows))});
  return Value(std::move(o));
}

namespace {
void write_scrubbed(std::FILE* to, std::string_view text);
bool quiet_output = false;  // --quiet: set once in main() before any output
}  // namespace

void set_quiet_output(bool quiet) {
  quiet_output = quiet;
}

void print_json_text(std::string_view json) {
  write_scrubbed(stdout, std::string(json) + "\n");
}

void print_json(const Value& v) {
  // Masks are plain ASCII and every registered form of a secret is matched
  // as it appears inside a JSON string, so the scrubbed text still parses.
  std::string s = to_json(v);
  s += '\n';
  // The document a script asked for with --json: printed under --quiet too.
  write_scrubbed(stdout, s);
}

namespace {

void write_scrubbed(std::FILE* to, std::string_view text) {
  std::string s = scrub(text);
  std::fwrite(s.data(), 1, s.size(), to);
}

std::string vformat(const char* format, std::va_list args) {
  std::va_list copy;
  va_copy(copy, args);
  int n = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  if (n <= 0) return "";
  std::string out(static_cast<size_t>(n) + 1, '\0');
  std::vsnprintf(out.data(), out.size(), format, args);
  out.pop_back();
  return out;
}

}  // namespace

void print_out(std::string_view text) {
  if (quiet_output) return;
  write_scrubbed(stdout, text);
}
void print_err(std::string_view text) {
  write_scrubbed(stderr, text);
}

void outf(const char* format, ...) {
  std::va_list args;
  va_start(args, format);
  std::string s = vformat(format, args);
  va_end(args);
  print_out(s);
}

void errf(const char* format, ...) {
  std::va_list args;
  va_start(args, format);
  std::string s = vformat(format, args);
  va_end(args);
  print_err(s);
}

}  // namespace crmsync::cli
