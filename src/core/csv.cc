#include "core/csv.h"

namespace crmsync {

bool CsvReader::next(std::vector<std::string>& cells) {
  cells.clear();
  quoted_.clear();
  if (pos_ >= text_.size()) return false;
  ++row_;
  std::string cell;
  bool in_quotes = false, was_quoted = false;
  while (pos_ < text_.size()) {
    char c = text_[pos_++];
    if (in_quotes) {
      if (c != '"') {
        cell += c;
      } else if (pos_ < text_.size() && text_[pos_] == '"') {
        cell += '"';
        ++pos_;
      } else {
        in_quotes = false;
      }
      continue;
    }
    if (c == '"') {
      in_quotes = was_quoted = true;
    } else if (c == delim_) {
      cells.push_back(std::move(cell));
      quoted_.push_back(was_quoted);
      cell.clear();
      was_quoted = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && pos_ < text_.size() && text_[pos_] == '\n') ++pos_;
      break;
    } else {
      cell += c;
    }
  }
  if (in_quotes) {
    error_ = "row " + std::to_string(row_) + ": a quoted cell is not closed";
    return false;
  }
  cells.push_back(std::move(cell));
  quoted_.push_back(was_quoted);
  return true;
}

void append_csv_quoted(std::string_view text, std::string& out) {
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

char csv_delimiter_of(std::string_view name) {
  if (name == "COMMA") return ',';
  if (name == "TAB") return '\t';
  if (name == "PIPE") return '|';
  if (name == "SEMICOLON") return ';';
  if (name == "CARET") return '^';
  if (name == "BACKQUOTE") return '`';
  return '\0';
}

}  // namespace crmsync
