#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/record.h"
#include "core/result.h"

namespace crmsync {

enum class FileFormat { csv, jsonl };

// Streams rows of a CSV (RFC 4180: quotes, doubled quotes, embedded
// delimiters and newlines, CRLF, UTF-8 BOM) or JSON Lines file in chunks, so
// memory stays flat whatever the file size. Written by hand: Debian's C CSV
// library (libcsv) is callback-driven, which makes reporting a broken row
// with its line number and carrying on awkward; the state machine is small.
class FileRowReader {
 public:
  static Result<std::unique_ptr<FileRowReader>> open(const std::string& path, FileFormat format,
                                                     char delimiter, bool empty_as_null);
  ~FileRowReader();

  // The column names (CSV header, or the keys of the first JSON line).
  const FieldNamesPtr& names() const { return names_; }

  // Next record; nullopt at the end. A malformed row sets `bad` (with its
  // line number and raw text) and returns a record-less result so the
  // caller can carry on.
  struct Row {
    std::optional<Record> record;
    std::string bad;  // "line 17: expected 5 columns, found 3"
    std::string raw;
    size_t line = 0;
  };
  std::optional<Row> next();
  // The raw text of the row `next` returned last (for reporting a row that
  // parsed but is unusable, e.g. without an id).
  std::string last_raw() const;

 private:
  int getc();
  int peek();  // the next byte without taking it; EOF at the end
  bool read_csv_row(std::vector<std::string>& cells, std::vector<bool>& quoted, bool& unterminated);
  bool read_line(std::string& line);

  std::FILE* f_ = nullptr;
  FileFormat format_ = FileFormat::csv;
  char delim_ = ',';
  bool empty_as_null_ = true;
  std::vector<char> buf_;
  size_t pos_ = 0, len_ = 0;
  size_t line_ = 0;         // line number where the next row starts (1-based)
  bool special_[256] = {};  // bytes that end an unquoted run: delimiter, quote, CR, LF
  // The current CSV row's text: what earlier buffers held of it, where it
  // starts in this buffer, and its length without the line end.
  std::string spill_;
  size_t row_start_ = 0, raw_len_ = 0;
  std::string json_raw_;
  FieldNamesPtr names_;
  std::optional<Row> first_json_;  // JSONL: the row read to learn the names
};

// CSV cell text, quoted when it needs to be.
std::string csv_cell(const std::string& text, char delimiter);

}  // namespace crmsync
