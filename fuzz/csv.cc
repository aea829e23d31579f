// CSV (core/csv): the first byte picks the delimiter, the rest is the text.
// Every row read, written back quoted, reads back as the same cells.
#include "core/csv.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  static constexpr char kDelims[] = {',', ';', '\t', '|', '^', '`'};
  char delim = kDelims[data[0] % sizeof(kDelims)];
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  crmsync::CsvReader reader(text, delim);
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> cells;
  while (reader.next(cells)) {
    FUZZ_CHECK(reader.row() == rows.size() + 1, "row %zu after %zu rows", reader.row(),
               rows.size());
    rows.push_back(cells);
  }
  if (!reader.error().empty()) return 0;

  std::string written;
  for (const auto& row : rows) {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) written += delim;
      crmsync::append_csv_quoted(row[i], written);
    }
    written += '\n';
  }
  crmsync::CsvReader again(written, delim);
  size_t n = 0;
  while (again.next(cells)) {
    FUZZ_CHECK(n < rows.size() && cells == rows[n], "row %zu differs after a round trip", n + 1);
    ++n;
  }
  FUZZ_CHECK(again.error().empty() && n == rows.size(), "%zu of %zu rows read back: %s", n,
             rows.size(), again.error().c_str());
  return 0;
}
