#include "connectors/file/file_client.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/json.h"

namespace crmsync {

Result<std::unique_ptr<FileRowReader>> FileRowReader::open(const std::string& path,
                                                           FileFormat format, char delimiter,
                                                           bool empty_as_null) {
  std::unique_ptr<FileRowReader> r(new FileRowReader());
  r->f_ = std::fopen(path.c_str(), "rb");
  if (r->f_ == nullptr) {
    return Error(ErrorKind::fatal, "cannot open " + path + ": " + std::strerror(errno));
  }
  r->format_ = format;
  r->delim_ = delimiter;
  for (unsigned char c : {static_cast<unsigned char>(delimiter), static_cast<unsigned char>('"'),
                          static_cast<unsigned char>('\n'), static_cast<unsigned char>('\r')}) {
    r->special_[c] = true;
  }
  r->empty_as_null_ = empty_as_null;
  r->buf_.resize(1 << 20);
  r->line_ = 1;
  if (format == FileFormat::csv) {
    // Strip a UTF-8 byte order mark.
    int a = r->getc();
    if (a == 0xEF) {
      r->getc();
      r->getc();
    } else if (a != EOF) {
      --r->pos_;
    }
    std::vector<std::string> cells;
    std::vector<bool> quoted;
    bool unterminated = false;
    if (!r->read_csv_row(cells, quoted, unterminated)) cells.clear();
    r->names_ = make_field_names(cells);
  } else {
    r->names_ = make_field_names({});
    r->first_json_ = r->next();
    if (r->first_json_ && r->first_json_->record) r->names_ = r->first_json_->record->names();
  }
  return r;
}

FileRowReader::~FileRowReader() {
  if (f_) std::fclose(f_);
}

int FileRowReader::getc() {
  int c = peek();
  if (c != EOF) ++pos_;
  return c;
}

int FileRowReader::peek() {
  if (pos_ == len_) {
    // The CSV row being read continues past this buffer: keep its start.
    if (format_ == FileFormat::csv) spill_.append(buf_.data() + row_start_, len_ - row_start_);
    row_start_ = 0;
    len_ = std::fread(buf_.data(), 1, buf_.size(), f_);
    pos_ = 0;
    if (len_ == 0) return EOF;
  }
  return static_cast<unsigned char>(buf_[pos_]);
}

// Scans the buffer span by span (up to the next delimiter, quote or line
// end) instead of character by character: this is the hot loop of a CSV
// source, and appending runs of bytes is several times faster.
bool FileRowReader::read_csv_row(std::vector<std::string>& cells, std::vector<bool>& quoted,
                                 bool& unterminated) {
  cells.clear();
  quoted.clear();
  if (peek() == EOF) return false;
  // The raw text is only needed for a bad row: remember where the row is,
  // copy it on demand (last_raw).
  spill_.clear();
  row_start_ = pos_;
  std::string cell;
  bool in_quotes = false, was_quoted = false;
  while (true) {
    if (peek() == EOF) {
      unterminated = in_quotes;
      raw_len_ = spill_.size() + (pos_ - row_start_);
      break;
    }
    const char* p = buf_.data() + pos_;
    const char* end = buf_.data() + len_;
    if (in_quotes) {
      const char* q = static_cast<const char*>(std::memchr(p, '"', static_cast<size_t>(end - p)));
      const char* stop = q ? q : end;
      line_ += static_cast<size_t>(std::count(p, stop, '\n'));
      cell.append(p, stop);
      pos_ += static_cast<size_t>(stop - p);
      if (q == nullptr) continue;
      ++pos_;
      if (peek() == '"') {  // a doubled quote stands for one
        ++pos_;
        cell += '"';
      } else {
        in_quotes = false;
      }
      continue;
    }
    const char* s = p;
    while (s < end && !special_[static_cast<unsigned char>(*s)]) ++s;
    cell.append(p, s);
    pos_ += static_cast<size_t>(s - p);
    if (s == end) continue;
    char ch = *s;
    ++pos_;
    if (ch == '"') {
      if (cell.empty() && !was_quoted) {
        in_quotes = was_quoted = true;
      } else {
        cell += ch;
      }
    } else if (ch == delim_) {
      cells.push_back(std::move(cell));
      quoted.push_back(was_quoted);
      cell.clear();
      was_quoted = false;
    } else {  // line end: \n, \r or \r\n
      raw_len_ = spill_.size() + (pos_ - 1 - row_start_);
      if (ch == '\r' && peek() == '\n') ++pos_;
      ++line_;
      break;
    }
  }
  cells.push_back(std::move(cell));
  quoted.push_back(was_quoted);
  return true;
}

bool FileRowReader::read_line(std::string& line) {
  line.clear();
  int c = getc();
  if (c == EOF) return false;
  while (c != EOF && c != '\n') {
    line += static_cast<char>(c);
    c = getc();
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  ++line_;
  return true;
}

std::optional<FileRowReader::Row> FileRowReader::next() {
  if (first_json_) {
    auto r = std::move(first_json_);
    first_json_.reset();
    return r;
  }
  Row row;
  row.line = line_;
  if (format_ == FileFormat::jsonl) {
    std::string text;
    do {
      row.line = line_;
      if (!read_line(text)) return std::nullopt;
    } while (text.find_first_not_of(" \t") == std::string::npos);
    auto v = parse_json(text);
    row.raw = text;
    json_raw_ = text;
    if (!v || !v->is_object()) {
      row.bad = "line " + std::to_string(row.line) + ": " +
                (v ? std::string("expected a JSON object") : v.error().message);
      return row;
    }
    row.record = record_from_object(*v, names_);
    return row;
  }
  thread_local std::vector<std::string> cells;
  thread_local std::vector<bool> quoted;
  bool unterminated = false;
  do {
    row.line = line_;
    if (!read_csv_row(cells, quoted, unterminated)) return std::nullopt;
  } while (cells.size() == 1 && cells[0].empty() && !quoted[0] && !unterminated);  // blank line
  if (unterminated) {
    row.bad = "line " + std::to_string(row.line) + ": a quote is never closed";
    row.raw = last_raw();
    return row;
  }
  if (cells.size() != names_->size()) {
    row.bad = "line " + std::to_string(row.line) + ": expected " + std::to_string(names_->size()) +
              " columns, found " + std::to_string(cells.size());
    row.raw = last_raw();
    return row;
  }
  Record r(names_);
  for (size_t i = 0; i < cells.size(); ++i) {
    if (cells[i].empty() && empty_as_null_ && !quoted[i]) continue;
    r.value(i) = Value(std::move(cells[i]));
  }
  row.record = std::move(r);
  return row;
}

std::string FileRowReader::last_raw() const {
  if (format_ == FileFormat::jsonl) return json_raw_;
  std::string out = spill_.substr(0, std::min(raw_len_, spill_.size()));
  if (raw_len_ > spill_.size()) out.append(buf_.data() + row_start_, raw_len_ - spill_.size());
  return out;
}

std::string csv_cell(const std::string& text, char delimiter) {
  if (text.find_first_of(std::string("\"\r\n") + delimiter) == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace crmsync
