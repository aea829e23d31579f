// query / queryAll with nextRecordsUrl paging.
#include "core/json.h"
#include "sandbox/salesforce/ids.h"
#include "sandbox/salesforce/sandbox_state.h"
#include "sandbox/salesforce/wire.h"

namespace crmsync::sandbox::salesforce {
namespace {

constexpr size_t kMaxCursors = 1000;

// batchSize from `Sforce-Query-Options: batchSize=N`: 200..2000, default 2000.
size_t batch_size(const Call& c) {
  auto h = c.req.header("Sforce-Query-Options");
  if (!h) return 2000;
  size_t at = h->find("batchSize=");
  if (at == std::string::npos) return 2000;
  size_t n = 0;
  for (size_t i = at + 10; i < h->size() && std::isdigit(static_cast<unsigned char>((*h)[i]));
       ++i) {
    n = std::min<size_t>(n * 10 + static_cast<size_t>((*h)[i] - '0'), 100000);
  }
  return std::clamp<size_t>(n, 200, 2000);
}

// One page of `cursor` from `start`: the body Salesforce sends.
void answer_page(SandboxState& s, Call& c, const std::string& locator, const QueryCursor& cursor,
                 size_t start) {
  const QueryResult& r = cursor.result;
  if (!r.aggregates.empty()) {
    // One AggregateResult record; totalSize counts records, not rows.
    std::string out =
        R"({"totalSize":1,"done":true,"records":[{"attributes":{"type":"AggregateResult"})";
    for (const auto& [name, n] : r.aggregates) out += ",\"" + name + "\":" + std::to_string(n);
    out += "}]}";
    answer_json(c.res, 200, std::move(out));
    return;
  }
  size_t end = std::min(start + cursor.batch_size, r.rows.size());
  bool done = r.count_only || end >= r.rows.size();
  std::string out =
      "{\"totalSize\":" + std::to_string(r.rows.size()) + ",\"done\":" + (done ? "true" : "false");
  if (!done) {
    out += ",\"nextRecordsUrl\":\"/services/data/v" + c.m[1] + "/query/" + locator + "-" +
           std::to_string(end) + "\"";
  }
  out += ",\"records\":[";
  if (!r.count_only) {
    auto lock = s.store->read_lock();
    if (r.generation == s.store->generation()) {
      out.reserve(out.size() + (end - start) * 256);
      render_records(*s.store, r, start, end, c.m[1], out);
    }
  }
  out += "]}";
  answer_json(c.res, 200, std::move(out));
}

// GET /query?explain=SOQL: the query plan. The sandbox has no indexes but
// the Id and external-id keys, so a plan is an index lookup when the WHERE
// clause names one of those, else a table scan; cardinality is what the
// query matches.
void explain(SandboxState& s, Call& c, const std::string& text) {
  auto parsed = parse_soql(text);
  if (auto* e = std::get_if<SfError>(&parsed)) return answer_error(c.res, *e);
  const SoqlQuery& q = std::get<SoqlQuery>(parsed);
  auto result = run_query(*s.store, q, false);
  if (auto* e = std::get_if<SfError>(&result)) return answer_error(c.res, *e);
  const QueryResult& r = std::get<QueryResult>(result);
  size_t live = 0;
  {
    auto lock = s.store->read_lock();
    const Table& t = s.store->table(*r.object);
    for (int64_t d : t.deleted_micros) live += d == 0;
  }
  std::string leading = "TableScan";
  std::string where =
      q.where ? to_lower(q.text.substr(std::min(q.where_column - 1, q.text.size()))) : "";
  for (const FieldDef& f : r.object->fields) {
    if (f.type != FieldType::id && !f.external_id) continue;
    std::string name = to_lower(f.name);
    for (size_t at = where.find(name); at != std::string::npos; at = where.find(name, at + 1)) {
      size_t next = where.find_first_not_of(" +", at + name.size());
      if (next != std::string::npos && where[next] == '=') leading = "Index";
    }
  }
  size_t matched = r.count_only || !r.aggregates.empty() ? live : r.rows.size();
  double cost = live == 0 ? 0 : static_cast<double>(matched) / static_cast<double>(live);
  if (leading == "TableScan") cost = std::max(cost, 0.65);
  std::string out = "{\"plans\":[{\"cardinality\":" + std::to_string(matched) +
                    ",\"fields\":[],\"leadingOperationType\":\"" + leading +
                    "\",\"notes\":[],\"relativeCost\":" + std::to_string(cost) +
                    ",\"sobjectCardinality\":" + std::to_string(live) + ",\"sobjectType\":\"" +
                    r.object->name + "\"}],\"sourceQuery\":";
  append_json_string(text, out);
  answer_json(c.res, 200, out + "}");
}

void run(SandboxState& s, Call& c, bool all) {
  auto q = c.req.query_param("q");
  if (!q && !all) {
    if (auto e = c.req.query_param("explain")) return explain(s, c, *e);
  }
  if (!q) {
    return answer_error(c.res,
                        sf_error(400, "MALFORMED_QUERY", "A query string has to be specified"));
  }
  auto parsed = parse_soql(*q);
  if (auto* e = std::get_if<SfError>(&parsed)) return answer_error(c.res, *e);
  auto result = run_query(*s.store, std::get<SoqlQuery>(parsed), all);
  if (auto* e = std::get_if<SfError>(&result)) return answer_error(c.res, *e);
  auto cursor = std::make_shared<QueryCursor>();
  cursor->result = std::move(std::get<QueryResult>(result));
  cursor->batch_size = batch_size(c);
  std::string locator;
  if (!cursor->result.count_only && cursor->result.aggregates.empty() &&
      cursor->result.rows.size() > cursor->batch_size) {
    std::lock_guard lock(s.cursors_mutex);
    locator = make_id("01g", s.next_cursor++);
    s.cursors[locator] = cursor;
    if (s.cursors.size() > kMaxCursors) s.cursors.erase(s.cursors.begin());
  }
  answer_page(s, c, locator, *cursor, 0);
}

void more(SandboxState& s, Call& c) {
  const std::string& loc = c.m[2];
  size_t dash = loc.rfind('-');
  std::shared_ptr<QueryCursor> cursor;
  size_t start = 0;
  if (dash != std::string::npos && dash + 1 < loc.size() &&
      loc.find_first_not_of("0123456789", dash + 1) == std::string::npos &&
      loc.size() - dash < 10) {
    start = std::stoul(loc.substr(dash + 1));
    std::lock_guard lock(s.cursors_mutex);
    auto it = s.cursors.find(loc.substr(0, dash));
    if (it != s.cursors.end()) cursor = it->second;
  }
  if (!cursor || start > cursor->result.rows.size() ||
      cursor->result.generation != s.store->generation()) {
    return answer_error(c.res, sf_error(400, "INVALID_QUERY_LOCATOR", "invalid query locator"));
  }
  answer_page(s, c, loc.substr(0, dash), *cursor, start);
  if (start + cursor->batch_size >= cursor->result.rows.size()) {
    std::lock_guard lock(s.cursors_mutex);
    s.cursors.erase(loc.substr(0, dash));
  }
}

}  // namespace

void add_query_routes(SandboxState& s) {
  using A = Router::Access;
  std::string v = kDataPathPattern;
  s.router.add("GET", v + "/query/?", "query", A::session, [&s](Call& c) { run(s, c, false); });
  s.router.add("GET", v + "/queryAll/?", "queryAll", A::session,
               [&s](Call& c) { run(s, c, true); });
  s.router.add("GET", v + "/query(?:All)?/([^/]+)", "queryMore", A::session,
               [&s](Call& c) { more(s, c); });
}

}  // namespace crmsync::sandbox::salesforce
