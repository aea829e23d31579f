#include <algorithm>
#include <map>

#include "connectors/sql/sql_connection.h"

namespace crmsync {

// One write call inside its transaction. Multi-row statements first; a
// refused statement is retried row by row under savepoints so that only the
// bad rows are rejected. Errors other than `rejected` (connection lost,
// missing table) end the call: the caller rolls back and reports them.
class SqlConnection::BatchWriter {
 public:
  BatchWriter(SqlConnection& conn, const WriteRequest& req, std::vector<WriteResult>& results)
      : c_(conn),
        d_(*conn.driver_),
        req_(req),
        results_(results),
        table_(d_.table_name(req.object)),
        id_field_(req.id_field.empty() ? "id" : req.id_field) {}

  Status run() {
    const auto& items = req_.items;
    for (size_t i = 0; i < items.size();) {
      WriteOp op = items[i].op;
      if (op == WriteOp::update || op == WriteOp::remove) {
        if (Status s = one_by_one({i}); !s) return s;
        ++i;
        continue;
      }
      // Consecutive inserts of the same fields share one statement.
      const auto& names = items[i].record.names()->names();
      size_t per_row = std::max<size_t>(1, names.size());
      // A bulk path has no parameter limit: the whole run is one group.
      size_t limit = d_.has_bulk_insert()
                         ? items.size()
                         : std::max<size_t>(1, std::min<size_t>(1000, d_.max_params() / per_row));
      std::vector<size_t> group;
      size_t j = i;
      const size_t max_bytes = d_.max_statement_bytes();
      size_t bytes = 0;
      while (j < items.size() && group.size() < limit && items[j].op == op &&
             items[j].record.names()->names() == names) {
        if (max_bytes) {
          size_t row = statement_bytes(items[j].record);
          if (!group.empty() && bytes + row > max_bytes) break;
          bytes += row;
        }
        if (op == WriteOp::upsert && key_of(items[j]) == nullptr) {
          results_[j].error =
              Error(ErrorKind::rejected, "upsert needs a value in '" + req_.external_id + "'");
        } else {
          group.push_back(j);
        }
        ++j;
      }
      i = j;
      if (group.empty()) continue;
      if (group.size() > 1) {
        if (Status s = exec(d_.savepoint_sql("crmsync_batch")); !s) return s;
        Status s = insert_rows(group);
        if (s) {
          if (Status r = exec(d_.release_savepoint_sql("crmsync_batch")); !r) return r;
          continue;
        }
        if (s.error().kind != ErrorKind::rejected) return s;
        if (Status r = exec(d_.rollback_to_savepoint_sql("crmsync_batch")); !r) return r;
      }
      if (Status s = one_by_one(group); !s) return s;
    }
    return {};
  }

 private:
  const Value* key_of(const WriteItem& it) const {
    const Value* k = it.record.get(req_.external_id);
    return k && !k->is_null() ? k : nullptr;
  }

  // An upper bound of a row's share of a multi-row statement's text: each
  // value as an escaped literal (every byte may double) and its separators.
  static size_t statement_bytes(const Record& r) {
    size_t n = 4;
    for (size_t k = 0; k < r.size(); ++k) {
      const Value& v = r.value(k);
      n += v.is_string()                   ? 2 * v.as_string().size() + 4
           : v.is_array() || v.is_object() ? 2 * v.to_text().size() + 4
                                           : 64;
    }
    return n;
  }

  Status exec(const std::string& sql) {
    if (sql.empty()) return {};  // a savepoint release the dialect does not have
    auto r = d_.run(sql, {}, "writing to " + req_.object);
    if (!r) return r.error();
    return {};
  }

  // Each row under its own savepoint: a refused row is rolled back alone.
  Status one_by_one(const std::vector<size_t>& rows) {
    for (size_t i : rows) {
      if (Status s = exec(d_.savepoint_sql("crmsync_row")); !s) return s;
      const WriteItem& it = req_.items[i];
      Status s = it.op == WriteOp::update   ? update_row(i)
                 : it.op == WriteOp::remove ? remove_row(i)
                                            : insert_rows({i});
      if (s) {
        if (Status r = exec(d_.release_savepoint_sql("crmsync_row")); !r) return r;
        continue;
      }
      if (s.error().kind != ErrorKind::rejected) return s;
      results_[i] = WriteResult{};
      results_[i].error = s.error();
      if (Status r = exec(d_.rollback_to_savepoint_sql("crmsync_row")); !r) return r;
    }
    return {};
  }

  Status update_row(size_t i) {
    const WriteItem& it = req_.items[i];
    const Record& r = it.record;
    std::vector<Value> params;
    std::string sets;
    for (size_t k = 0; k < r.size(); ++k) {
      // The row is found by its id: the id itself is never rewritten (a
      // record linked by another match key keeps the id others refer to).
      if (r.name(k) == id_field_) continue;
      params.push_back(r.value(k));
      sets +=
          (sets.empty() ? "" : ", ") + d_.quote(r.name(k)) + " = " + d_.placeholder(params.size());
    }
    if (!sets.empty()) {
      params.push_back(Value(it.target_id));
      auto res = d_.run("UPDATE " + table_ + " SET " + sets + " WHERE " + d_.quote(id_field_) +
                            " = " + d_.placeholder(params.size()),
                        params, "updating " + req_.object + " " + id_field_ + " " + it.target_id);
      if (!res) return res.error();
      if (res->affected == 0) return no_row(it.target_id);
    }
    results_[i].ok = true;
    results_[i].target_id = it.target_id;
    return {};
  }

  Status remove_row(size_t i) {
    const WriteItem& it = req_.items[i];
    Value id(it.target_id);
    auto res = d_.run(
        "DELETE FROM " + table_ + " WHERE " + d_.quote(id_field_) + " = " + d_.placeholder(1),
        std::span<const Value>(&id, 1),
        "deleting " + req_.object + " " + id_field_ + " " + it.target_id);
    if (!res) return res.error();
    if (res->affected == 0) return no_row(it.target_id);
    results_[i].ok = true;
    results_[i].target_id = it.target_id;
    return {};
  }

  Error no_row(const std::string& id) const {
    return Error(ErrorKind::rejected, d_.target_name() + ": no row with " + id_field_ + " = " + id +
                                          " in " + req_.object);
  }

  // Target id by external key, for rows of this group the key identifies.
  Result<std::map<std::string, std::string>> ids_by_key(const std::vector<size_t>& rows) {
    std::vector<Value> params;
    std::string sql = "SELECT " + d_.quote(id_field_) + ", " + d_.quote(req_.external_id) +
                      " FROM " + table_ + " WHERE " + d_.quote(req_.external_id) + " IN (";
    for (size_t i : rows) {
      params.push_back(*key_of(req_.items[i]));
      sql += (params.size() > 1 ? ", " : "") + d_.placeholder(params.size());
    }
    auto res = d_.run(sql + ")", params, "looking up " + req_.object + " by " + req_.external_id);
    if (!res) return res.error();
    std::map<std::string, std::string> out;
    for (const auto& row : res->rows) out[row[1].to_text()] = row[0].to_text();
    return out;
  }

  // One INSERT ... VALUES (...), (...) with every value a parameter.
  Result<SqlResult> values_insert(const std::vector<size_t>& rows, bool upsert,
                                  const std::string& returning, const std::string& doing) {
    const Record& first = req_.items[rows[0]].record;
    std::vector<Value> params;
    std::string values;
    for (size_t n = 0; n < rows.size(); ++n) {
      const Record& r = req_.items[rows[n]].record;
      values += n ? ", (" : "(";
      for (size_t k = 0; k < r.size(); ++k) {
        params.push_back(r.value(k));
        values += (k ? ", " : "") + d_.placeholder(params.size());
      }
      values += ")";
    }
    std::string sql;
    if (upsert) {
      sql = d_.upsert_statement(table_, first.names()->names(), values, req_.external_id);
    } else {
      std::string cols;
      for (size_t k = 0; k < first.size(); ++k) cols += (k ? ", " : "") + d_.quote(first.name(k));
      sql = "INSERT INTO " + table_ + " (" + cols + ") VALUES " + values;
    }
    if (!returning.empty()) sql += " " + returning;
    return d_.run(sql, params, doing);
  }

  // The same through the driver's bulk path (no parameters at all).
  Result<SqlResult> bulk_insert(const std::vector<size_t>& rows, bool upsert,
                                const std::string& returning, const std::string& doing) {
    std::vector<const Record*> records;
    records.reserve(rows.size());
    for (size_t i : rows) records.push_back(&req_.items[i].record);
    return d_.bulk_insert(table_, records[0]->names()->names(), records,
                          upsert ? req_.external_id : "", returning, doing);
  }

  // INSERT (or upsert) of rows sharing one field list, in one statement.
  Status insert_rows(const std::vector<size_t>& rows) {
    const Record& first = req_.items[rows[0]].record;
    bool upsert = req_.items[rows[0]].op == WriteOp::upsert;
    bool has_id = first.names()->index_of(id_field_) >= 0;
    // Upserts: which keys existed (and their ids), from RETURNING where the
    // dialect says so in the same statement, else from a look-up before it.
    std::string returning =
        upsert ? d_.upsert_returning(id_field_, req_.external_id)
               : (!has_id && d_.insert_returning() ? "RETURNING " + d_.quote(id_field_) : "");
    bool upsert_returns = upsert && !returning.empty();
    std::map<std::string, std::pair<std::string, bool>> by_key;  // key -> (id, created)
    if (upsert && !upsert_returns) {
      auto found = ids_by_key(rows);
      if (!found) return found.error();
      for (auto& [k, id] : *found) by_key[k] = {id, false};
    }
    std::string doing = (upsert ? "upserting into " : "inserting into ") + req_.object;
    if (rows.size() == 1 && upsert) {
      doing += " " + req_.external_id + " " + key_of(req_.items[rows[0]])->to_text();
    }
    auto res = rows.size() > 1 && d_.has_bulk_insert()
                   ? bulk_insert(rows, upsert, returning, doing)
                   : values_insert(rows, upsert, returning, doing);
    if (!res) return res.error();
    c_.count_api_call();
    if (upsert_returns) {
      for (const auto& row : res->rows) {
        by_key[row[1].to_text()] = {row[0].to_text(), row[2].is_bool() && row[2].as_bool()};
      }
    }

    std::vector<size_t> unknown;  // upserted rows whose id is still unknown
    for (size_t n = 0; n < rows.size(); ++n) {
      const WriteItem& it = req_.items[rows[n]];
      WriteResult& out = results_[rows[n]];
      out = WriteResult{};
      out.ok = true;
      out.created = !upsert;
      if (has_id) out.target_id = it.record.get(id_field_)->to_text();
      if (upsert) {
        auto e = by_key.find(key_of(it)->to_text());
        if (e != by_key.end()) {
          out.created = e->second.second;
          if (!has_id) out.target_id = e->second.first;
        } else {
          out.created = !upsert_returns;  // not returned: an unchanged existing row
          if (!has_id) unknown.push_back(rows[n]);
        }
      } else if (!has_id && !returning.empty() && n < res->rows.size()) {
        out.target_id = res->rows[n][0].to_text();
      } else if (!has_id && res->last_insert_id) {
        out.target_id = std::to_string(res->last_insert_id + n);
      }
    }
    if (!unknown.empty()) {
      auto found = ids_by_key(unknown);
      if (!found) return found.error();
      for (size_t i : unknown) {
        auto e = found->find(key_of(req_.items[i])->to_text());
        if (e != found->end()) results_[i].target_id = e->second;
      }
    }
    return {};
  }

  SqlConnection& c_;
  SqlDriver& d_;
  const WriteRequest& req_;
  std::vector<WriteResult>& results_;
  std::string table_;
  std::string id_field_;
};

Result<std::vector<WriteResult>> SqlConnection::write(const WriteRequest& req) {
  std::string id_field = req.id_field.empty() ? "id" : req.id_field;
  bool writes_rows = std::any_of(req.items.begin(), req.items.end(),
                                 [](const WriteItem& i) { return i.op != WriteOp::remove; });
  if (writes_rows) {
    if (Status s = ensure_table(req.object, id_field, req.external_id, req.items); !s) {
      return s.error();
    }
  }
  std::vector<WriteResult> results(req.items.size());
  if (Status b = driver_->begin_transaction("starting a write to " + req.object); !b) {
    return b.error();
  }
  BatchWriter writer(*this, req, results);
  Status s = writer.run();
  if (s) {
    Status commit = driver_->commit_transaction("committing a write to " + req.object);
    if (commit) return results;
    s = commit;
  }
  driver_->rollback_transaction("rolling back a write to " + req.object);
  return s.error();
}

}  // namespace crmsync
