#include "connectors/file/file_client.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/json.h"

namespace crmsync {
namespace {

// What a byte that is not valid text most likely means.
std::string encoding_hint(unsigned char byte, TextEncoding declared) {
  if (declared != TextEncoding::utf8) return "";
  if (byte == 0) {
    return " (a UTF-16 file without a byte order mark? set encoding: utf-16le or utf-16be)";
  }
  return " (a Latin-1 or Windows-1252 file? set encoding: latin1 or cp1252)";
}

}  // namespace

Result<std::unique_ptr<FileRowReader>> FileRowReader::open(const std::string& path,
                                                           FileFormat format, char delimiter,
                                                           bool empty_as_null,
                                                           TextEncoding encoding,
                                                           const std::string& name) {
  std::unique_ptr<FileRowReader> r(new FileRowReader());
  r->f_ = std::fopen(path.c_str(), "rb");
  if (r->f_ == nullptr) {
    return Error(ErrorKind::fatal, "cannot open " + path + ": " + std::strerror(errno));
  }
  r->name_ = name.empty() ? path : name;
  r->format_ = format;
  r->delim_ = delimiter;
  for (unsigned char c : {static_cast<unsigned char>(delimiter), static_cast<unsigned char>('"'),
                          static_cast<unsigned char>('\n'), static_cast<unsigned char>('\r')}) {
    r->special_[c] = true;
  }
  r->empty_as_null_ = empty_as_null;
  r->buf_.resize(1 << 20);
  r->line_ = 1;
  // A UTF-16 file says so with its byte order mark, whatever was declared.
  unsigned char bom[2] = {0, 0};
  size_t got = std::fread(bom, 1, 2, r->f_);
  r->empty_file_ = got == 0;
  if (got == 2 && bom[0] == 0xFF && bom[1] == 0xFE) {
    encoding = TextEncoding::utf16le;
  } else if (got == 2 && bom[0] == 0xFE && bom[1] == 0xFF) {
    encoding = TextEncoding::utf16be;
  } else {
    std::rewind(r->f_);
    if (encoding == TextEncoding::utf16 && got > 0) {
      return Error(ErrorKind::fatal, r->name_ +
                                         " has no UTF-16 byte order mark; set the connection's "
                                         "encoding to utf-16le or utf-16be");
    }
  }
  r->encoding_ = encoding;
  if (encoding != TextEncoding::utf8) {
    r->decoder_.emplace(encoding);
    r->raw_.resize(1 << 19);
  }
  // Strip a byte order mark (UTF-8, or UTF-16's decoded to UTF-8).
  int a = r->getc();
  if (a == 0xEF && r->peek() == 0xBB) {
    r->getc();
    r->getc();
  } else if (a != EOF) {
    --r->pos_;
  }
  if (format == FileFormat::csv) {
    std::vector<std::string> cells;
    std::vector<bool> quoted;
    bool unterminated = false;
    if (!r->read_csv_row(cells, quoted, unterminated)) cells.clear();
    for (size_t i = 0; i < cells.size(); ++i) {
      size_t bad = first_invalid_utf8(cells[i]);
      if (bad != std::string::npos) {
        return Error(ErrorKind::fatal,
                     r->name_ + ":1: the header's column " + std::to_string(i + 1) +
                         " is not valid " + to_string(encoding) + " text ('" +
                         escape_invalid_utf8(cells[i]) + "')" +
                         encoding_hint(static_cast<unsigned char>(cells[i][bad]), encoding));
      }
      for (size_t k = 0; k < i; ++k) {
        if (cells[k] == cells[i]) {
          return Error(ErrorKind::fatal, r->name_ + ":1: the header names column '" + cells[i] +
                                             "' twice (columns " + std::to_string(k + 1) + " and " +
                                             std::to_string(i + 1) +
                                             "): which one is meant is ambiguous; rename one");
        }
      }
    }
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
    buf_base_ += len_;
    len_ = refill();
    pos_ = 0;
    if (len_ == 0) return EOF;
  }
  return static_cast<unsigned char>(buf_[pos_]);
}

size_t FileRowReader::refill() {
  if (!decoder_) return std::fread(buf_.data(), 1, buf_.size(), f_);
  while (true) {
    size_t n = std::fread(raw_.data(), 1, raw_.size(), f_);
    decoded_.clear();
    if (n > 0) {
      decoder_->decode(std::string_view(raw_.data(), n), decoded_);
    } else if (!decoder_done_) {
      decoder_->finish(decoded_);
      decoder_done_ = true;
    }
    if (decoded_.empty() && n > 0) continue;  // half a code unit so far
    if (buf_.size() < decoded_.size()) buf_.resize(decoded_.size());
    std::memcpy(buf_.data(), decoded_.data(), decoded_.size());
    return decoded_.size();
  }
}

bool FileRowReader::reject_invalid_text(Row& row, const std::vector<std::string>& cells) {
  bool bad = false;
  for (const std::string& c : cells) {
    if (first_invalid_utf8(c) != std::string::npos) bad = true;
  }
  if (!bad) return false;
  std::string raw = last_raw();
  size_t at = first_invalid_utf8(raw);
  if (at == std::string::npos) at = 0;
  auto byte = static_cast<unsigned char>(raw[at]);
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02x", byte);
  std::string hint = encoding_hint(byte, encoding_);
  uint64_t offset = row_offset_ + at;
  row.bad = name_ + ":" + std::to_string(row.line) + ": byte " + hex + " at byte offset " +
            std::to_string(offset) + (decoder_ ? " of the decoded text" : "") + " is not valid " +
            to_string(encoding_) + " text" + hint;
  row.raw = escape_invalid_utf8(raw);
  return true;
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
  row_offset_ = buf_base_ + pos_;
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
    if (size_t at = first_invalid_utf8(text); at != std::string::npos) {
      row.bad = name_ + ":" + std::to_string(row.line) + ": byte at offset " + std::to_string(at) +
                " of the line is not valid " + to_string(encoding_) + " text";
      row.raw = json_raw_ = escape_invalid_utf8(text);
      return row;
    }
    if (!v || !v->is_object()) {
      row.bad = name_ + ":" + std::to_string(row.line) + ": " +
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
  if (reject_invalid_text(row, cells)) return row;
  if (unterminated) {
    row.bad = name_ + ":" + std::to_string(row.line) +
              ": a quote is never closed (the rest of the file is inside it)";
    row.raw = last_raw();
    return row;
  }
  if (cells.size() != names_->size()) {
    row.bad = name_ + ":" + std::to_string(row.line) + ": expected " +
              std::to_string(names_->size()) + " columns, found " + std::to_string(cells.size());
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
