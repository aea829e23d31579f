#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <unordered_map>

#include "connectors/file/file_connection.h"
#include "core/json.h"

namespace crmsync {
namespace {

namespace fs = std::filesystem;

std::string new_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(rng()));
  return buf;
}

Status write_all(int fd, const std::string& data, const std::string& path) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = ::write(fd, data.data() + off, data.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error(ErrorKind::fatal, "writing " + path + ": " + std::strerror(errno));
    }
    off += static_cast<size_t>(n);
  }
  // A written batch is durable before the engine commits it as written.
  if (::fsync(fd) != 0)
    return Error(ErrorKind::fatal, "syncing " + path + ": " + std::strerror(errno));
  return {};
}

// One row of the output file in the file's format.
std::string render(const Record& r, const std::vector<std::string>& header, FileFormat format,
                   char delim) {
  std::string out;
  if (format == FileFormat::jsonl) {
    out = to_json(r);
  } else {
    for (size_t i = 0; i < header.size(); ++i) {
      if (i) out += delim;
      const Value* v = r.get(header[i]);
      if (v) out += csv_cell(v->to_text(), delim);
    }
  }
  return out + "\n";
}

}  // namespace

Result<std::vector<WriteResult>> FileConnection::write(const WriteRequest& req) {
  std::string path = config_.path_of(req.object);
  FileFormat format = config_.format_of(req.object);
  std::string id_field = req.id_field.empty() ? "id" : req.id_field;
  std::error_code ec;
  if (config_.create_dirs) fs::create_directories(fs::path(path).parent_path(), ec);
  count_api_call();

  std::vector<WriteResult> results(req.items.size());
  std::vector<std::string> header;
  bool exists = fs::exists(path, ec) && fs::file_size(path, ec) > 0;
  if (exists && format == FileFormat::csv) {
    auto rows = open_rows(req.object);
    if (!rows) return rows.error();
    header = (*rows)->names()->names();
  }
  bool only_creates = true;
  for (const WriteItem& it : req.items) only_creates = only_creates && it.op == WriteOp::create;

  // Rows to write: new ones (append), or the whole file (rewrite).
  std::vector<Record> table;
  if (!only_creates && exists) {
    auto all = scan(req.object, id_field, [](const Record&) { return true; });
    if (!all) return all.error();
    table = std::move(*all);
  }
  std::unordered_map<std::string, size_t> by_id;
  for (size_t i = 0; i < table.size(); ++i) by_id[table[i].id()] = i;

  auto fits_header = [&](const Record& r, WriteResult& res) {
    if (format != FileFormat::csv || header.empty()) return true;
    for (size_t i = 0; i < r.size(); ++i) {
      if (std::find(header.begin(), header.end(), r.name(i)) == header.end()) {
        res.error = Error(ErrorKind::rejected,
                          "field '" + r.name(i) + "' is not a column of " + req.object);
        return false;
      }
    }
    return true;
  };
  std::vector<Record> appended;
  for (size_t i = 0; i < req.items.size(); ++i) {
    const WriteItem& it = req.items[i];
    WriteResult& res = results[i];
    Record rec = it.record;
    if (it.op == WriteOp::remove) {
      auto f = by_id.find(it.target_id);
      if (f == by_id.end()) {
        res.error = Error(ErrorKind::rejected, "no record with id " + it.target_id);
        continue;
      }
      table[f->second].set_deleted(true);
      res.ok = true;
      res.target_id = it.target_id;
      continue;
    }
    std::optional<size_t> existing;
    if (it.op == WriteOp::update) {
      auto f = by_id.find(it.target_id);
      if (f == by_id.end()) {
        res.error = Error(ErrorKind::rejected, "no record with id " + it.target_id);
        continue;
      }
      existing = f->second;
    } else if (it.op == WriteOp::upsert) {
      const Value* key = rec.get(req.external_id);
      for (size_t k = 0; key && k < table.size(); ++k) {
        const Value* v = table[k].get(req.external_id);
        if (v && v->to_text() == key->to_text() && !table[k].deleted()) existing = k;
      }
    }
    if (header.empty() && format == FileFormat::csv) {
      if (rec.get(id_field) == nullptr) header.push_back(id_field);
      for (size_t k = 0; k < rec.size(); ++k) header.push_back(rec.name(k));
    }
    if (!fits_header(rec, res)) continue;
    if (existing) {
      Record& row = table[*existing];
      for (size_t k = 0; k < rec.size(); ++k) row.set(rec.name(k), rec.value(k));
      res.ok = true;
      res.target_id = row.id();
      continue;
    }
    const Value* idv = rec.get(id_field);
    std::string id = idv && !idv->is_null() ? idv->to_text() : new_id();
    if (!idv || idv->is_null()) rec.set(id_field, Value(id));
    rec.set_id(id);
    res.ok = true;
    res.created = true;
    res.target_id = id;
    if (only_creates) {
      appended.push_back(std::move(rec));
    } else {
      by_id[id] = table.size();
      table.push_back(std::move(rec));
    }
  }

  std::string data;
  bool write_header = format == FileFormat::csv && (!exists || !only_creates);
  if (write_header) {
    for (size_t i = 0; i < header.size(); ++i)
      data += (i ? std::string(1, config_.delimiter) : "") + csv_cell(header[i], config_.delimiter);
    data += "\n";
  }
  for (const Record& r : only_creates ? appended : table) {
    if (!r.deleted()) data += render(r, header, format, config_.delimiter);
  }
  if (only_creates) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return Error(ErrorKind::fatal, "cannot open " + path + ": " + std::strerror(errno));
    Status s = write_all(fd, data, path);
    ::close(fd);
    if (!s) return s.error();
    return results;
  }
  std::string tmp = path + ".crmsync-tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Error(ErrorKind::fatal, "cannot open " + tmp + ": " + std::strerror(errno));
  Status s = write_all(fd, data, tmp);
  ::close(fd);
  if (!s) return s.error();
  fs::rename(tmp, path, ec);
  if (ec) return Error(ErrorKind::fatal, "replacing " + path + ": " + ec.message());
  return results;
}

}  // namespace crmsync
