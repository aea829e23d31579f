#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace crmsync {

// Reads CSV rows (RFC 4180: quoted cells, doubled quotes, delimiters and
// newlines inside quotes, LF or CRLF line ends) from text already in memory:
// a Bulk API upload or result page. Borrows `text`; it must outlive the
// reader. The file connector streams files with its own reader; this one is
// for bodies that arrive whole over HTTP.
class CsvReader {
 public:
  explicit CsvReader(std::string_view text, char delimiter = ',') : text_(text), delim_(delimiter) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;  // UTF-8 BOM
  }

  // The next row's cells into `cells` (cleared first). False at the end of
  // the text. A quote left open at the end sets error() and returns false.
  bool next(std::vector<std::string>& cells);
  // Empty while the text is well formed.
  const std::string& error() const { return error_; }
  // 1-based number of the row next() returned last.
  size_t row() const { return row_; }
  // Whether cell `i` of the last row was quoted ("" vs an empty cell).
  bool quoted(size_t i) const { return i < quoted_.size() && quoted_[i]; }

 private:
  std::string_view text_;
  char delim_;
  size_t pos_ = 0;
  size_t row_ = 0;
  std::vector<bool> quoted_;
  std::string error_;
};

// Appends `text` as a quoted CSV cell ("" for each quote inside).
void append_csv_quoted(std::string_view text, std::string& out);

// The delimiter character of a Bulk API `columnDelimiter` name (COMMA, TAB,
// PIPE, SEMICOLON, CARET, BACKQUOTE); '\0' for an unknown name.
char csv_delimiter_of(std::string_view name);

}  // namespace crmsync
