#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

// Pieces of the Prometheus text exposition format 0.0.4, for Metrics::render.
namespace crmsync::service::metrics_text {

// `# HELP name help` and `# TYPE name type` lines; help has backslash and
// newline escaped.
void append_header(std::string_view name, std::string_view help, std::string_view type,
                   std::string& out);

// `{a="x",b="y"}` (nothing when there are no labels). names and values have
// the same size.
void append_labels(const std::vector<const char*>& names, const std::vector<std::string>& values,
                   std::string& out);

// A label value as it goes between the quotes: backslash, double quote and
// newline escaped; bytes that are not UTF-8 become U+FFFD (a flow or
// connection name comes from the user's config, and parsers reject invalid
// UTF-8).
std::string escape_label_value(std::string_view value);

// A sample value: integers without a fraction, other numbers in the shortest
// form that reads back the same, and +Inf, -Inf, NaN.
void append_value(double value, std::string& out);

// One flow's series of a histogram: cumulative `name_bucket{flow,le}` lines
// for each of `bounds` and +Inf, then `name_sum{flow}` and `name_count{flow}`.
// `per_bucket` counts each bucket alone (not cumulative), +Inf last.
void append_flow_histogram(std::string_view name, const std::string& flow,
                           std::span<const double> bounds, std::span<const uint64_t> per_bucket,
                           double sum, uint64_t count, std::string& out);

// "2xx".."5xx" (and "1xx") for an HTTP status; "error" for 0 (no answer)
// and anything that is not an HTTP status.
std::string status_class(int http_status);

}  // namespace crmsync::service::metrics_text
