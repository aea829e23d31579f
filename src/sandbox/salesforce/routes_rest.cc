// Versions, resource map, limits, describe and the updated/deleted feeds.
#include "core/json.h"
#include "sandbox/salesforce/sandbox_state.h"
#include "sandbox/salesforce/sobject_rows.h"
#include "sandbox/salesforce/wire.h"

namespace crmsync::sandbox::salesforce {
namespace {

std::string versions_json() {
  static const char* kSeason[] = {"Winter", "Spring", "Summer"};
  std::string out = "[";
  for (int v = 20; v <= 62; ++v) {
    int idx = v - 50;
    int year = 21 + (idx >= 0 ? idx / 3 : (idx - 2) / 3);
    int season = ((idx % 3) + 3) % 3;
    if (v > 20) out += ',';
    out += "{\"label\":\"" + std::string(kSeason[season]) + " '" + std::to_string(year) +
           "\",\"url\":\"/services/data/v" + std::to_string(v) + ".0\",\"version\":\"" +
           std::to_string(v) + ".0\"}";
  }
  return out + "]";
}

std::string resources_json(const SandboxState& s, const std::string& v) {
  std::string base = "/services/data/v" + v;
  std::string out = "{";
  for (const char* r : {"tooling",
                        "metadata",
                        "eclair",
                        "folders",
                        "prechatForms",
                        "contact-tracing",
                        "chatter",
                        "tabs",
                        "appMenu",
                        "quickActions",
                        "queryAll",
                        "commerce",
                        "wave",
                        "iot",
                        "analytics",
                        "search",
                        "smartdatadiscovery",
                        "composite",
                        "parameterizedSearch",
                        "fingerprint",
                        "theme",
                        "nouns",
                        "recent",
                        "licensing",
                        "limits",
                        "process",
                        "async-queries",
                        "query",
                        "match",
                        "emailConnect",
                        "compactLayouts",
                        "knowledgeManagement",
                        "sobjects",
                        "actions",
                        "support"}) {
    out.append("\"").append(r).append("\":\"").append(base).append("/").append(r).append("\",");
  }
  out += "\"jobs\":\"" + base + "/jobs\",\"identity\":";
  append_json_string(s.instance_url + "/id/" + s.org_id + "/" + s.user_id, out);
  return out + "}";
}

std::string limits_json(const SandboxState& s) {
  int64_t max = s.daily_limit.load();
  int64_t used = s.api_requests.load();
  // Appended piece by piece: "literal" + std::string makes GCC 12 warn
  // falsely at -O3 (-Wrestrict, GCC bug 105329).
  std::string out = "{";
  auto entry = [&out](const char* name, int64_t m, int64_t remaining) {
    if (out.size() > 1) out += ',';
    out.append("\"").append(name).append("\":{\"Max\":").append(std::to_string(m));
    out.append(",\"Remaining\":").append(std::to_string(std::max<int64_t>(0, remaining))) += '}';
  };
  entry("DailyApiRequests", max, max - used);
  entry("DailyBulkApiRequests", 15000, 15000);
  entry("DailyBulkV2QueryJobs", 10000, 10000);
  entry("DailyBulkV2QueryFileStorageMB", 976562, 976562);
  entry("DailyStreamingApiEvents", 1000000, 1000000);
  entry("DataStorageMB", 1024, 1024);
  entry("FileStorageMB", 1024, 1024);
  entry("HourlyPublishedStandardVolumePlatformEvents", 250000, 250000);
  entry("MonthlyPlatformEventsUsageEntitlement", 0, 0);
  return out + "}";
}

constexpr int64_t kDayMicros = 86400LL * 1000000;

// start/end of the replication feeds; answers the error itself when bad: the
// window may reach `max_days` back from `now` (30 for updated, 15 for
// deleted).
bool feed_window(Call& c, int64_t now, int max_days, int64_t& start, int64_t& end) {
  auto s = DateTime::parse(c.req.query_param("start").value_or(""), 0);
  auto e = DateTime::parse(c.req.query_param("end").value_or(""), 0);
  if (!s || !e) {
    answer_error(c.res, sf_error(400, "MALFORMED_QUERY",
                                 "start and end are required in the form "
                                 "YYYY-MM-DDTHH:MM:SS+00:00"));
    return false;
  }
  if (e->micros < s->micros) {
    answer_error(c.res, sf_error(400, "INVALID_REPLICATION_DATE",
                                 "startDate must chronologically precede endDate"));
    return false;
  }
  if (s->micros < now - max_days * kDayMicros) {
    answer_error(
        c.res, sf_error(400, "INVALID_REPLICATION_DATE",
                        "startDate cannot be more than " + std::to_string(max_days) + " days ago"));
    return false;
  }
  start = s->micros;
  end = e->micros;
  return true;
}

void updated_feed(SandboxState& s, Call& c) {
  const ObjectDef* def = object_or_404(s, c, c.m[2]);
  int64_t start, end;
  if (!def || !feed_window(c, s.now(), 30, start, end)) return;
  int stamp = def->field_index("SystemModstamp");
  std::string out = "{\"ids\":[";
  bool first = true;
  {
    auto lock = s.store->read_lock();
    const Table& t = s.store->table(*def);
    for (size_t r = 0; r < t.rows.size(); ++r) {
      int64_t at = t.rows[r].value(static_cast<size_t>(stamp)).as_datetime().micros;
      if (t.deleted_micros[r] != 0 || at < start || at >= end) continue;
      if (!first) out += ',';
      first = false;
      append_json_string(t.rows[r].id(), out);
    }
  }
  out +=
      "],\"latestDateCovered\":\"" + DateTime{end / 60000000 * 60000000, 0}.to_salesforce() + "\"}";
  answer_json(c.res, 200, std::move(out));
}

void deleted_feed(SandboxState& s, Call& c) {
  const ObjectDef* def = object_or_404(s, c, c.m[2]);
  int64_t start, end;
  if (!def || !feed_window(c, s.now(), 15, start, end)) return;
  std::string out = "{\"deletedRecords\":[";
  int64_t earliest = start;
  bool first = true;
  {
    auto lock = s.store->read_lock();
    const Table& t = s.store->table(*def);
    for (size_t r = 0; r < t.rows.size(); ++r) {
      int64_t at = t.deleted_micros[r];
      if (at == 0) continue;
      earliest = std::min(earliest, at);
      if (at < start || at >= end) continue;
      if (!first) out += ',';
      first = false;
      out += "{\"id\":\"" + t.rows[r].id() + "\",\"deletedDate\":\"" +
             DateTime{at, 0}.to_salesforce() + "\"}";
    }
  }
  out += "],\"earliestDateAvailable\":\"" + DateTime{earliest, 0}.to_salesforce() +
         "\",\"latestDateCovered\":\"" + DateTime{end, 0}.to_salesforce() + "\"}";
  answer_json(c.res, 200, std::move(out));
}

// The schema does not change while the sandbox runs: describe answers carry
// its load time as Last-Modified and honour If-Modified-Since.
bool describe_not_modified(SandboxState& s, Call& c) {
  if (not_modified_since(c, s.schema_loaded_micros)) return true;
  c.res.headers.emplace("Last-Modified", format_http_date(s.schema_loaded_micros));
  return false;
}

// GET /recent?limit=n: the records the API user viewed or created lately.
void recent(SandboxState& s, Call& c) {
  size_t limit = SandboxState::kMaxRecent;
  if (auto l = c.req.query_param("limit")) {
    if (l->empty() || l->size() > 4 || l->find_first_not_of("0123456789") != std::string::npos) {
      return answer_error(c.res, sf_error(400, "INVALID_QUERY_PARAMETER_VALUE",
                                          "limit must be a number from 1 to 200"));
    }
    limit = std::min<size_t>(std::stoul(*l), SandboxState::kMaxRecent);
  }
  answer_json(c.res, 200, "[" + recent_items_json(s, c.m[1], nullptr, limit) + "]");
}

}  // namespace

void add_rest_routes(SandboxState& s) {
  using A = Router::Access;
  std::string v = kDataPathPattern;
  s.router.add("GET", "/services/data/?", "versions", A::open,
               [](Call& c) { answer_json(c.res, 200, versions_json()); });
  s.router.add("GET", v + "/?", "resources", A::session,
               [&s](Call& c) { answer_json(c.res, 200, resources_json(s, c.m[1])); });
  s.router.add("GET", v + "/limits/?", "limits", A::session,
               [&s](Call& c) { answer_json(c.res, 200, limits_json(s)); });
  s.router.add("GET", v + "/recent/?", "recent", A::session, [&s](Call& c) { recent(s, c); });
  s.router.add("GET", v + "/sobjects/?", "describeGlobal", A::session, [&s](Call& c) {
    if (describe_not_modified(s, c)) return;
    answer_json(c.res, 200, describe_global_json(*s.schema, c.m[1]));
  });
  s.router.add("GET", v + "/sobjects/([^/]+)/describe/?", "describe", A::session, [&s](Call& c) {
    const ObjectDef* def = object_or_404(s, c, c.m[2]);
    if (!def || describe_not_modified(s, c)) return;
    answer_json(c.res, 200, describe_object_json(*def, *s.schema, c.m[1]));
  });
  s.router.add("GET", v + "/sobjects/([^/]+)/updated/?", "updated", A::session,
               [&s](Call& c) { updated_feed(s, c); });
  s.router.add("GET", v + "/sobjects/([^/]+)/deleted/?", "deleted", A::session,
               [&s](Call& c) { deleted_feed(s, c); });
}

}  // namespace crmsync::sandbox::salesforce
