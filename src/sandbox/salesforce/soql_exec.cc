#include "sandbox/salesforce/soql_exec.h"

#include <algorithm>

#include "core/csv.h"
#include "core/json.h"
#include "sandbox/salesforce/field_values.h"

namespace crmsync::sandbox::salesforce {
namespace {

// A field path resolved against the schema: the reference fields followed,
// then the field read on the last object.
struct ResolvedPath {
  std::vector<const FieldDef*> refs;
  std::vector<const ObjectDef*> objects;  // objects[0] = queried object; one more per ref
  int field = -1;
};

std::variant<ResolvedPath, SfError> resolve(const Schema& schema, const SoqlQuery& q,
                                            const ObjectDef& def, const SoqlField& f) {
  ResolvedPath p;
  p.objects.push_back(&def);
  std::string_view rest = f.path;
  while (true) {
    size_t dot = rest.find('.');
    std::string_view part = rest.substr(0, dot);
    const ObjectDef* cur = p.objects.back();
    if (dot == std::string_view::npos) {
      p.field = cur->field_index(part);
      if (p.field < 0) {
        return sf_error(400, "INVALID_FIELD",
                        soql_error_message(q.text, f.column,
                                           "No such column '" + std::string(part) +
                                               "' on entity '" + cur->name +
                                               "'. If you are attempting to use a custom field, be "
                                               "sure to append the '__c' after the custom field "
                                               "name. Please reference your WSDL or the describe "
                                               "call for the appropriate names."));
      }
      return p;
    }
    const FieldDef* ref = cur->relationship(part);
    if (!ref || p.refs.size() >= 5) {
      return sf_error(400, "INVALID_FIELD",
                      soql_error_message(q.text, f.column,
                                         "Didn't understand relationship '" + std::string(part) +
                                             "' in field path. If you are attempting to use a "
                                             "custom relationship, be sure to append the '__r' "
                                             "after the custom relationship name. Please reference "
                                             "your WSDL or the describe call for the appropriate "
                                             "names."));
    }
    p.refs.push_back(ref);
    p.objects.push_back(schema.find(ref->reference_to[0]));
    rest.remove_prefix(dot + 1);
  }
}

// The parent record a reference value points to, or nullptr.
const Record* parent_of(const Store& store, const ObjectDef& parent_def, const Value& ref) {
  if (!ref.is_string()) return nullptr;
  return store.find(parent_def, ref.as_string());
}

const Value& value_at(const Store& store, const Record& rec, const ResolvedPath& p) {
  static const Value kNull;
  const Record* cur = &rec;
  for (size_t i = 0; i < p.refs.size(); ++i) {
    int idx = p.objects[i]->field_index(p.refs[i]->name);
    cur = parent_of(store, *p.objects[i + 1], cur->value(static_cast<size_t>(idx)));
    if (!cur) return kNull;
  }
  return cur->value(static_cast<size_t>(p.field));
}

void add_to_tree(SelectNode& root, const ResolvedPath& p) {
  SelectNode* node = &root;
  for (size_t i = 0; i < p.refs.size(); ++i) {
    auto it = std::find_if(node->children.begin(), node->children.end(),
                           [&](const SelectNode& c) { return c.ref == p.refs[i]; });
    if (it == node->children.end()) {
      SelectNode rel;
      rel.name = p.refs[i]->relationship_name;
      rel.ref = p.refs[i];
      rel.object = p.objects[i + 1];
      node->children.push_back(std::move(rel));
      it = node->children.end() - 1;
    }
    node = &*it;
  }
  for (const SelectNode& c : node->children) {
    if (c.field == p.field && !c.ref) return;  // selected twice: once in the answer
  }
  SelectNode leaf;
  leaf.field = p.field;
  leaf.object = p.objects.back();
  leaf.name = leaf.object->fields[static_cast<size_t>(p.field)].name;
  node->children.push_back(std::move(leaf));
}

int compare_for_sort(const Value& a, const Value& b) {
  if (a.is_string() && b.is_string()) {
    std::string la = to_lower(a.as_string()), lb = to_lower(b.as_string());
    int c = la.compare(lb);
    return c < 0 ? -1 : c > 0 ? 1 : 0;
  }
  return a.compare(b);
}

}  // namespace

SelectNode select_all(const ObjectDef& def) {
  SelectNode root;
  root.name = def.name;
  root.object = &def;
  for (size_t i = 0; i < def.fields.size(); ++i) {
    SelectNode leaf;
    leaf.field = static_cast<int>(i);
    leaf.object = &def;
    leaf.name = def.fields[i].name;
    root.children.push_back(std::move(leaf));
  }
  return root;
}

namespace {

// Runs each `IN (SELECT f FROM O WHERE ...)` of the WHERE clause and hands
// its values to the filter, as Salesforce resolves a semi-join before the
// outer query.
std::optional<SfError> run_semi_joins(const Store& store, const SoqlQuery& q) {
  auto subs = q.where->subqueries();
  for (size_t i = 0; i < subs.size(); ++i) {
    std::string text = "SELECT " + subs[i].select_field + " FROM " + subs[i].object;
    if (!subs[i].where_soql.empty()) text += " WHERE " + subs[i].where_soql;
    auto parsed = parse_soql(text);
    if (auto* err = std::get_if<SfError>(&parsed)) return *err;
    const SoqlQuery& sub = std::get<SoqlQuery>(parsed);
    const ObjectDef* def = store.schema().find(sub.object);
    if (!def) {
      return sf_error(400, "INVALID_TYPE",
                      soql_error_message(q.text, q.where_column,
                                         "sObject type '" + sub.object + "' is not supported."));
    }
    auto path = resolve(store.schema(), sub, *def, sub.fields.at(0));
    if (auto* err = std::get_if<SfError>(&path)) return *err;
    auto result = run_query(store, sub, false);
    if (auto* err = std::get_if<SfError>(&result)) return *err;
    std::vector<std::string> values;
    auto lock = store.read_lock();
    const Table& t = store.table(*def);
    for (size_t r : std::get<QueryResult>(result).rows) {
      const Value& v = value_at(store, t.rows[r], std::get<ResolvedPath>(path));
      if (!v.is_null()) values.push_back(v.to_text());
    }
    q.where->set_subquery_values(i, std::move(values));
  }
  return std::nullopt;
}

}  // namespace

std::variant<QueryResult, SfError> run_query(const Store& store, const SoqlQuery& q,
                                             bool include_deleted) {
  const Schema& schema = store.schema();
  const ObjectDef* def = schema.find(q.object);
  if (!def) {
    return sf_error(400, "INVALID_TYPE",
                    soql_error_message(q.text, q.object_column,
                                       "sObject type '" + q.object +
                                           "' is not supported. If you are attempting to use a "
                                           "custom object, be sure to append the '__c' after the "
                                           "entity name. Please reference your WSDL or the "
                                           "describe call for the appropriate names."));
  }
  auto root = std::make_shared<SelectNode>();
  root->name = def->name;
  root->object = def;
  for (const SoqlField& f : q.fields) {
    auto p = resolve(schema, q, *def, f);
    if (auto* err = std::get_if<SfError>(&p)) return *err;
    add_to_tree(*root, std::get<ResolvedPath>(p));
  }
  // WHERE fields through relationships are evaluated on a widened record:
  // the row's own values plus one value per parent path, named as written.
  std::vector<ResolvedPath> where_paths;
  std::vector<std::string> wide_names = def->names->names();
  if (q.where) {
    for (const std::string& name : q.where->fields()) {
      auto p = resolve(schema, q, *def, SoqlField{name, q.where_column});
      if (auto* err = std::get_if<SfError>(&p)) return *err;
      if (!std::get<ResolvedPath>(p).refs.empty()) {
        where_paths.push_back(std::get<ResolvedPath>(p));
        wide_names.push_back(name);
      }
    }
  }
  std::vector<ResolvedPath> count_paths;
  for (const SoqlCount& c : q.counts) {
    auto p = resolve(schema, q, *def, c.field);
    if (auto* err = std::get_if<SfError>(&p)) return *err;
    count_paths.push_back(std::get<ResolvedPath>(p));
  }
  std::vector<ResolvedPath> order_paths;
  for (const SoqlOrder& o : q.order_by) {
    auto p = resolve(schema, q, *def, o.field);
    if (auto* err = std::get_if<SfError>(&p)) return *err;
    order_paths.push_back(std::get<ResolvedPath>(p));
  }

  if (q.where) {
    if (auto err = run_semi_joins(store, q); err) return *err;
  }

  auto lock = store.read_lock();
  const Table& t = store.table(*def);
  QueryResult result;
  result.object = def;
  result.select = root;
  result.count_only = q.count_only;
  result.generation = store.generation();
  int64_t now = store.now_micros();
  FieldNamesPtr wide = make_field_names(wide_names);
  for (size_t r = 0; r < t.rows.size(); ++r) {
    if (!include_deleted && t.deleted_micros[r] != 0) continue;
    if (q.where) {
      if (where_paths.empty()) {
        if (!q.where->matches(t.rows[r], now)) continue;
      } else {
        Record rec(wide);
        const Record& row = t.rows[r];
        for (size_t i = 0; i < row.size(); ++i) rec.value(i) = row.value(i);
        for (size_t i = 0; i < where_paths.size(); ++i) {
          rec.value(row.size() + i) = value_at(store, row, where_paths[i]);
        }
        if (!q.where->matches(rec, now)) continue;
      }
    }
    result.rows.push_back(r);
  }
  if (!q.order_by.empty()) {
    std::vector<std::vector<Value>> keys(t.rows.size());
    for (size_t r : result.rows) {
      for (const ResolvedPath& p : order_paths) keys[r].push_back(value_at(store, t.rows[r], p));
    }
    std::stable_sort(result.rows.begin(), result.rows.end(), [&](size_t a, size_t b) {
      for (size_t k = 0; k < q.order_by.size(); ++k) {
        const Value& va = keys[a][k];
        const Value& vb = keys[b][k];
        if (va.is_null() != vb.is_null()) return va.is_null() != q.order_by[k].nulls_last;
        if (va.is_null()) continue;
        int c = compare_for_sort(va, vb);
        if (c != 0) return q.order_by[k].descending ? c > 0 : c < 0;
      }
      return false;
    });
  }
  if (!q.counts.empty()) {
    size_t unnamed = 0;
    for (size_t k = 0; k < q.counts.size(); ++k) {
      int64_t n = 0;
      for (size_t r : result.rows)
        n += value_at(store, t.rows[r], count_paths[k]).is_null() ? 0 : 1;
      std::string name =
          q.counts[k].alias.empty() ? "expr" + std::to_string(unnamed++) : q.counts[k].alias;
      result.aggregates.emplace_back(std::move(name), n);
    }
    return result;
  }
  size_t offset = static_cast<size_t>(q.offset.value_or(0));
  result.rows.erase(result.rows.begin(),
                    result.rows.begin() + std::min(offset, result.rows.size()));
  if (q.limit && static_cast<size_t>(*q.limit) < result.rows.size()) {
    result.rows.resize(static_cast<size_t>(*q.limit));
  }
  return result;
}

void render_record(const Store& store, const Record& rec, const SelectNode& select,
                   const std::string& version, std::string& out) {
  out += "{\"attributes\":{\"type\":";
  append_json_string(select.object->name, out);
  out += ",\"url\":\"/services/data/v";
  out += version;
  out += "/sobjects/";
  out += select.object->name;
  out += '/';
  out += rec.id();
  out += "\"}";
  for (const SelectNode& c : select.children) {
    out += ',';
    append_json_string(c.name, out);
    out += ':';
    if (!c.ref) {
      append_sf_json(rec.value(static_cast<size_t>(c.field)), out);
      continue;
    }
    int idx = select.object->field_index(c.ref->name);
    const Record* parent = parent_of(store, *c.object, rec.value(static_cast<size_t>(idx)));
    if (parent) {
      render_record(store, *parent, c, version, out);
    } else {
      out += "null";
    }
  }
  out += '}';
}

void render_records(const Store& store, const QueryResult& result, size_t begin, size_t end,
                    const std::string& version, std::string& out) {
  const Table& t = store.table(*result.object);
  for (size_t i = begin; i < end && i < result.rows.size(); ++i) {
    if (i > begin) out += ',';
    render_record(store, t.rows[result.rows[i]], *result.select, version, out);
  }
}

namespace {

void csv_header(const SelectNode& node, const std::string& prefix, char delim, bool& first,
                std::string& out) {
  for (const SelectNode& c : node.children) {
    if (c.ref) {
      csv_header(c, prefix + c.name + ".", delim, first, out);
      continue;
    }
    if (!first) out += delim;
    first = false;
    append_csv_quoted(prefix + c.name, out);
  }
}

void csv_cells(const Store& store, const Record* rec, const SelectNode& node, char delim,
               bool& first, std::string& out) {
  for (const SelectNode& c : node.children) {
    if (c.ref) {
      const Record* parent = nullptr;
      if (rec) {
        int idx = node.object->field_index(c.ref->name);
        parent = parent_of(store, *c.object, rec->value(static_cast<size_t>(idx)));
      }
      csv_cells(store, parent, c, delim, first, out);
      continue;
    }
    if (!first) out += delim;
    first = false;
    append_csv_quoted(rec ? to_sf_text(rec->value(static_cast<size_t>(c.field))) : "", out);
  }
}

}  // namespace

void render_csv_header(const SelectNode& select, char delimiter, const char* eol,
                       std::string& out) {
  bool first = true;
  csv_header(select, "", delimiter, first, out);
  out += eol;
}

void render_csv_rows(const Store& store, const QueryResult& result, size_t begin, size_t end,
                     char delimiter, const char* eol, std::string& out) {
  const Table& t = store.table(*result.object);
  for (size_t i = begin; i < end && i < result.rows.size(); ++i) {
    bool first = true;
    csv_cells(store, &t.rows[result.rows[i]], *result.select, delimiter, first, out);
    out += eol;
  }
}

}  // namespace crmsync::sandbox::salesforce
