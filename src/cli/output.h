#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.h"
#include "state/state_store.h"

namespace crmsync::cli {

// A plain text table with aligned columns (numbers right-aligned).
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  std::string render() const;
  bool empty() const { return rows_.empty(); }

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

std::string format_time(int64_t micros);      // "2024-01-01 12:00:00Z", "-" for 0
std::string format_duration(int64_t micros);  // "1.2s", "3m04s"
std::string format_count(int64_t n);          // "12,345"
Value counts_json(const FlowCounts& c);       // "expected" only when the source said
// One run as `history --json` and `status --json` show it.
Value run_json(const RunInfo& r);
void print_json(const Value& v);              // one line to stdout, through scrub()
void print_json_text(std::string_view json);  // a JSON document already rendered, the same way

// Every text crmsync prints goes out through these (issue 30 parts 5-6):
// registered secrets masked and the text made valid UTF-8 (core/redact.h
// scrub()). The command code formats as with printf.
void print_out(std::string_view text);  // stdout; nothing under --quiet
// --quiet (main.cc): print_out and outf print nothing; print_json and
// stderr (errors) still do.
void set_quiet_output(bool quiet);
void print_err(std::string_view text);  // stderr
void outf(const char* format, ...) __attribute__((format(printf, 1, 2)));
void errf(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace crmsync::cli
