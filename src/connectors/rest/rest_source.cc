#include <ctime>
#include <deque>

#include "connectors/rest/rest_connection.h"
#include "connectors/rest/rest_text.h"
#include "core/json.h"
#include "net/url.h"

namespace crmsync {

namespace {

// The cursor as the API's changed-since parameter wants it.
std::string format_since(const Value& cursor, const std::string& format) {
  if (!cursor.is_datetime()) return cursor.to_text();
  DateTime t = cursor.as_datetime().floor_to_second_utc();
  int64_t secs = t.micros / 1000000;
  if (format == "iso8601") return t.to_iso8601();
  if (format == "epoch_secs") return std::to_string(secs);
  if (format == "epoch_millis") return std::to_string(secs * 1000);
  if (format == "date") return t.date().to_string();
  std::time_t tt = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[128];
  size_t n = std::strftime(buf, sizeof buf, format.c_str(), &tm);
  return std::string(buf, n);
}

// JSON has no timestamps: a cursor field other than changed_field arrives
// as text, compared as an instant when the cursor is one.
int compare_to_cursor(const Value& v, const Value& cursor) {
  if (v.is_string() && cursor.is_datetime()) {
    if (auto t = DateTime::parse(v.as_string(), 0)) return Value(*t).compare(cursor);
  }
  return v.compare(cursor);
}

// Pages of one list (or search) read, one request at a time.
class RestReader final : public RecordReader {
 public:
  RestReader(RestConnection& conn, const RestObject& obj, ReadRequest req, std::string path,
             std::vector<std::pair<std::string, std::string>> params)
      : conn_(conn),
        obj_(obj),
        req_(std::move(req)),
        path_(std::move(path)),
        params_(std::move(params)) {
    page_no_ = obj_.first_page;
  }

  Result<bool> next(std::vector<Record>& batch) override {
    batch.clear();
    bad_records.clear();
    while (batch.size() < req_.batch_size) {
      if (pos_ == page_.size()) {
        if (done_) break;
        if (Status s = fetch(); !s) return s.error();
        continue;
      }
      const Value& json = page_[pos_++];
      auto rec = conn_.to_record(json, obj_, req_.id_field, names_);
      if (!rec) {
        // The page is then a read error: the flow makes no deletes this run.
        bad_records.push_back(
            {"record " + std::to_string(index_),
             rec.error().message + " (record " + std::to_string(pos_) + " of " + page_label_ + ")",
             to_json(json)});
        ++index_;
        continue;
      }
      ++index_;
      if (req_.cursor_from && !req_.cursor_field.empty()) {
        const Value* c = rec->get(req_.cursor_field);
        if (c == nullptr || c->is_null() || compare_to_cursor(*c, *req_.cursor_from) < 0) continue;
      }
      batch.push_back(std::move(*rec));
    }
    return !(batch.empty() && bad_records.empty() && done_ && pos_ == page_.size());
  }

 private:
  std::string first_url() const {
    net::QueryBuilder q;
    for (const auto& [k, v] : params_) q.add(k, v);
    auto size = [&] {
      if (!obj_.size_param.empty()) q.add(obj_.size_param, static_cast<long long>(obj_.page_size));
    };
    switch (obj_.pagination) {
      case RestPagination::page:
        q.add(obj_.page_param, static_cast<long long>(page_no_));
        size();
        break;
      case RestPagination::offset:
        q.add(obj_.offset_param, static_cast<long long>(offset_));
        size();
        break;
      case RestPagination::cursor:
        if (!cursor_.empty()) q.add(obj_.cursor_param, cursor_);
        size();
        break;
      case RestPagination::link_header:
        // APIs that link pages often do so only when asked for a page.
        if (!obj_.page_param.empty()) q.add(obj_.page_param, static_cast<long long>(page_no_));
        size();
        break;
      case RestPagination::next_url:
        size();
        break;
      case RestPagination::none:
        break;
    }
    return q.url(path_);
  }

  Status fetch() {
    std::string url = next_url_.empty() ? first_url() : next_url_;
    auto a = conn_.call("GET", url);
    if (!a) return a.error();
    page_.clear();
    pos_ = 0;
    ++pages_read_;
    page_label_ = "page " + std::to_string(pages_read_) + " (GET " + url + ")";
    if (a->json.is_null() && !a->body.empty()) {
      // The client keeps no parse error: parse again for the parser's cause.
      auto parsed = parse_json(a->body);
      if (!parsed) {
        Error e = parsed.error().with_context("rest " + obj_.name + ": " + page_label_ +
                                              " is not valid JSON");
        e.kind = ErrorKind::fatal;  // the read stops here, not one record
        return e;
      }
    }
    const Value* recs = json_pointer(a->json, obj_.records_pointer);
    if (recs == nullptr || !recs->is_array()) {
      return Error(ErrorKind::fatal, "rest " + obj_.name + ": " + page_label_ +
                                         ": the answer has no array at '" + obj_.records_pointer +
                                         "': " + a->body.substr(0, 200));
    }
    page_.assign(recs->as_array().begin(), recs->as_array().end());
    size_t n = page_.size();
    auto follow = [&](const std::optional<std::string>& next) {
      std::string resolved = next ? resolve_url(conn_.config().base_url, *next) : "";
      // An API that links a page to itself would loop forever.
      if (!next || next->empty() || n == 0 || resolved == url) {
        done_ = true;
      } else {
        next_url_ = resolved;
      }
    };
    switch (obj_.pagination) {
      case RestPagination::none:
        done_ = true;
        break;
      case RestPagination::page:
        ++page_no_;
        done_ = n < static_cast<size_t>(obj_.page_size);
        break;
      case RestPagination::offset:
        offset_ += static_cast<int64_t>(n);
        done_ = n < static_cast<size_t>(obj_.page_size);
        break;
      case RestPagination::cursor: {
        const Value* c = json_pointer(a->json, obj_.cursor_pointer);
        std::string next = c && !c->is_null() ? c->to_text() : "";
        done_ = next.empty() || n == 0 || next == cursor_;
        cursor_ = next;
        break;
      }
      case RestPagination::link_header:
        follow(next_link(a->headers));
        break;
      case RestPagination::next_url: {
        const Value* u = json_pointer(a->json, obj_.next_url_pointer);
        follow(u && u->is_string() ? std::optional<std::string>(u->as_string()) : std::nullopt);
        break;
      }
    }
    return {};
  }

  RestConnection& conn_;
  const RestObject& obj_;
  ReadRequest req_;
  std::string path_;
  std::vector<std::pair<std::string, std::string>> params_;
  std::vector<Value> page_;
  size_t pos_ = 0;
  size_t index_ = 0;
  bool done_ = false;
  int64_t page_no_ = 1;
  int64_t offset_ = 0;
  std::string cursor_;
  std::string next_url_;
  FieldNamesPtr names_;
  int64_t pages_read_ = 0;
  std::string page_label_;  // "page 2 (GET /customers?page=2)", for messages
};

std::unique_ptr<RestReader> make_reader(RestConnection& conn, const RestObject& obj,
                                        const ReadRequest& req, const std::string& path,
                                        std::vector<std::pair<std::string, std::string>> params) {
  return std::make_unique<RestReader>(conn, obj, req, path, std::move(params));
}

bool same_text(const Value* v, const Value& want) {
  return v != nullptr && !v->is_null() && v->to_text() == want.to_text();
}

}  // namespace

std::string rest_path_for(const std::string& path, std::string_view id) {
  return replace_placeholder(path, "id", net::url_encode(id));
}

Result<const RestObject*> RestConnection::object(std::string_view name) const {
  auto it = config_.objects.find(std::string(name));
  if (it != config_.objects.end()) return &it->second;
  std::string known;
  for (const auto& [k, v] : config_.objects) known += (known.empty() ? "" : ", ") + k;
  return Error(ErrorKind::fatal, "rest connection " + config_.name + " declares no object '" +
                                     std::string(name) + "' (declared: " + known + ")");
}

Result<RestClient::Answer> RestConnection::call(const std::string& method, const std::string& url,
                                                const std::string& body) {
  int64_t before = client_.calls();
  auto a = client_.call(method, url, body);
  count_api_call(static_cast<uint64_t>(client_.calls() - before));
  return a;
}

Result<Record> RestConnection::to_record(const Value& json, const RestObject& obj,
                                         std::string_view id_field, FieldNamesPtr& names) const {
  if (!json.is_object()) {
    return Error(ErrorKind::rejected, "rest " + obj.name + ": a record is not a JSON object");
  }
  if (!names) names = make_field_names({});
  Record r = record_from_object(json, names);
  names = r.names();
  const Value* id = id_field.empty() ? json_pointer(json, obj.id_pointer) : r.get(id_field);
  if (id == nullptr || id->is_null() || id->to_text().empty()) {
    return Error(ErrorKind::rejected,
                 "rest " + obj.name + ": a record has no id at " +
                     (id_field.empty() ? obj.id_pointer : "field " + std::string(id_field)));
  }
  // An object, array or boolean is no id: its JSON text would become one
  // and create a record per answer (the malformed-input table).
  if (id->is_object() || id->is_array() || id->is_bool()) {
    return Error(ErrorKind::rejected,
                 "rest " + obj.name + ": a record's id at " +
                     (id_field.empty() ? obj.id_pointer : "field " + std::string(id_field)) +
                     " is not a string or number: " + to_json(*id).substr(0, 80));
  }
  r.set_id(id->to_text());
  if (!obj.changed_field.empty()) {
    const Value* c = r.get(obj.changed_field);
    if (c && c->is_string()) {
      // Zone-less times are read as UTC, as the file connector does.
      if (auto t = DateTime::parse(c->as_string(), 0)) r.set(obj.changed_field, Value(*t));
    }
  }
  return r;
}

Capabilities RestConnection::capabilities(std::string_view name) const {
  Capabilities c;
  auto it = config_.objects.find(std::string(name));
  if (it == config_.objects.end()) return c;
  const RestObject& o = it->second;
  c.read_full = c.read_since_cursor = true;
  c.read_by_ids = !o.get_path.empty();
  c.search_by_field = o.search != "none";
  c.write_create = !o.create_path.empty();
  c.write_update = !o.update_path.empty();
  c.write_delete = !o.delete_path.empty();
  return c;
}

Status RestConnection::check() {
  if (Status s = client_.authenticate(); !s) return s;
  if (config_.objects.empty()) return {};
  const RestObject& first = config_.objects.begin()->second;
  auto a = call("GET", first.path);
  if (!a) return a.error();
  return {};
}

Result<ObjectSchema> RestConnection::describe(std::string_view object) {
  return Error(ErrorKind::fatal,
               "rest objects are declared, not described: " + std::string(object));
}

Result<std::unique_ptr<RecordReader>> RestConnection::read(const ReadRequest& request) {
  auto obj = object(request.object);
  if (!obj) return obj.error();
  std::vector<std::pair<std::string, std::string>> params = (*obj)->query;
  if (request.options) {
    if (const Value* q = request.options->get("query"); q && q->is_object()) {
      for (const Member& m : q->as_object()) {
        params.emplace_back(m.key, m.value.is_null() ? "" : m.value.to_text());
      }
    }
  }
  if (request.cursor_from && !(*obj)->changed_since_param.empty()) {
    params.emplace_back((*obj)->changed_since_param,
                        format_since(*request.cursor_from, (*obj)->changed_since_format));
  }
  return std::unique_ptr<RecordReader>(
      make_reader(*this, **obj, request, (*obj)->path, std::move(params)));
}

Result<std::vector<Record>> RestConnection::read_by_ids(std::string_view object,
                                                        std::string_view id_field,
                                                        std::span<const std::string> ids) {
  auto obj = this->object(object);
  if (!obj) return obj.error();
  const RestObject& o = **obj;
  if (o.get_path.empty()) {
    return Error(ErrorKind::fatal, "rest " + o.name + ": no get_path declared (read by id)");
  }
  std::vector<Record> out;
  FieldNamesPtr names;
  for (const std::string& id : ids) {
    auto a = call("GET", rest_path_for(o.get_path, id));
    if (!a) {
      if (client_.last_status() == 404 || client_.last_status() == 410) {
        continue;  // gone: absent ids are simply missing
      }
      return a.error();
    }
    const Value* json = json_pointer(a->json, o.get_pointer);
    if (json == nullptr) continue;
    auto rec = to_record(*json, o, id_field, names);
    if (!rec) return rec.error();
    out.push_back(std::move(*rec));
  }
  return out;
}

Result<std::vector<Record>> RestConnection::search(std::string_view object,
                                                   std::string_view id_field,
                                                   std::string_view field,
                                                   std::span<const Value> values) {
  auto obj = this->object(object);
  if (!obj) return obj.error();
  const RestObject& o = **obj;
  if (o.search == "none") {
    return Error(ErrorKind::fatal, "rest " + o.name + ": search is not offered (search: none)");
  }
  std::vector<Record> out;
  FieldNamesPtr names;
  for (const Value& want : values) {
    std::vector<Record> found;
    if (o.search == "body") {
      std::string body = replace_placeholder(o.search_body, "field", std::string(field));
      body = replace_placeholder(std::move(body), "value", to_json(want));
      auto a = call("POST", o.search_path, body);
      if (!a) return a.error();
      const Value* recs = json_pointer(a->json, o.search_records_pointer);
      if (recs == nullptr || !recs->is_array()) {
        return Error(ErrorKind::fatal, "rest " + o.name + ": the search answer has no array at '" +
                                           o.search_records_pointer + "'");
      }
      for (const Value& json : recs->as_array()) {
        auto rec = to_record(json, o, id_field, names);
        if (rec) found.push_back(std::move(*rec));
      }
    } else {
      ReadRequest req;
      req.object = o.name;
      req.id_field = std::string(id_field);
      std::vector<std::pair<std::string, std::string>> params = o.query;
      params.emplace_back(replace_placeholder(o.search_param, "field", std::string(field)),
                          want.to_text());
      RestObject paged = o;
      paged.records_pointer = o.search_records_pointer;
      auto reader = make_reader(*this, paged, req, o.search_path, std::move(params));
      std::vector<Record> batch;
      while (true) {
        auto more = reader->next(batch);
        if (!more) return more.error();
        for (Record& r : batch) found.push_back(std::move(r));
        if (!*more) break;
      }
    }
    // An API that ignores the parameter returns everything: keep matches only.
    for (Record& r : found) {
      if (same_text(r.get(field), want)) out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace crmsync
