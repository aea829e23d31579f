#pragma once

#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "connectors/file/text_encoding.h"
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
  // `name` is how messages call the file (the object name); empty: the
  // path. A UTF-16 byte order mark overrides `encoding`. A header that names
  // a column twice or is not valid text is an error.
  static Result<std::unique_ptr<FileRowReader>> open(const std::string& path, FileFormat format,
                                                     char delimiter, bool empty_as_null,
                                                     TextEncoding encoding = TextEncoding::utf8,
                                                     const std::string& name = "");
  ~FileRowReader();

  // The column names (CSV header, or the keys of the first JSON line).
  const FieldNamesPtr& names() const { return names_; }
  // The file had no byte at all (not even a CSV header line).
  bool empty_file() const { return empty_file_; }
  const std::string& name() const { return name_; }

  // Next record; nullopt at the end. A malformed row sets `bad` (with its
  // line number and raw text) and returns a record-less result so the
  // caller can carry on.
  struct Row {
    std::optional<Record> record;
    std::string bad;  // "customers.csv:17: expected 5 columns, found 3"
    std::string raw;
    size_t line = 0;
  };
  std::optional<Row> next();
  // The raw text of the row `next` returned last (for reporting a row that
  // parsed but is unusable, e.g. without an id).
  std::string last_raw() const;

 private:
  int getc();
  int peek();       // the next byte without taking it; EOF at the end
  size_t refill();  // the next chunk into buf_, decoded to UTF-8; 0 at the end
  // "customers.csv:17: " + why, and the row rejected, when the row's text is
  // not valid in the file's encoding.
  bool reject_invalid_text(Row& row, const std::vector<std::string>& cells);
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
  std::string name_;
  TextEncoding encoding_ = TextEncoding::utf8;
  std::optional<TextDecoder> decoder_;  // none for UTF-8: read as is
  std::vector<char> raw_;               // undecoded bytes of the chunk
  std::string decoded_;
  bool decoder_done_ = false;
  bool empty_file_ = false;
  uint64_t buf_base_ = 0;    // offset (in the decoded text) of buf_[0]
  uint64_t row_offset_ = 0;  // offset of the current CSV row's first byte
};

// CSV cell text, quoted when it needs to be.
std::string csv_cell(const std::string& text, char delimiter);

}  // namespace crmsync
