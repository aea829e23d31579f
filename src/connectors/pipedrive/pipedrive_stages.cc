#include "connectors/pipedrive/pipedrive_stages.h"

#include "net/url.h"

namespace crmsync {

std::optional<int64_t> pipedrive_id_value(const Value& value) {
  if (value.is_int()) return value.as_int();
  if (!value.is_string()) return std::nullopt;
  const std::string& s = value.as_string();
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoll(s);
}

namespace {

// Every page of a v2 list (cursor pages of 500).
Status read_all(const PipedriveStageCatalog::Fetch& fetch, const std::string& path,
                const std::function<void(const Value&)>& each) {
  std::string cursor;
  for (;;) {
    auto a =
        fetch(path + "?limit=500" + (cursor.empty() ? "" : "&cursor=" + net::url_encode(cursor)));
    if (!a) return a.error();
    if (a->data.is_array()) {
      for (const Value& item : a->data.as_array()) each(item);
    }
    const Value* next = a->additional_data.find("next_cursor");
    if (next == nullptr || !next->is_string() || next->as_string().empty()) return {};
    cursor = next->as_string();
  }
}

int64_t int_member(const Value& item, const char* key) {
  const Value* v = item.find(key);
  return v && v->is_int() ? v->as_int() : 0;
}

std::string text_member(const Value& item, const char* key) {
  const Value* v = item.find(key);
  return v && v->is_string() ? v->as_string() : "";
}

bool deleted(const Value& item) {
  const Value* v = item.find("is_deleted");
  return v && v->is_bool() && v->as_bool();
}

}  // namespace

Result<PipedriveStageCatalog> PipedriveStageCatalog::load(const Fetch& fetch) {
  PipedriveStageCatalog cat;
  auto p = read_all(fetch, "/api/v2/pipelines", [&](const Value& item) {
    if (!deleted(item))
      cat.pipelines_.push_back({int_member(item, "id"), text_member(item, "name")});
  });
  if (!p) return p.error().with_context("reading the pipelines");
  auto s = read_all(fetch, "/api/v2/stages", [&](const Value& item) {
    if (!deleted(item)) {
      cat.stages_.push_back(
          {int_member(item, "id"), int_member(item, "pipeline_id"), text_member(item, "name")});
    }
  });
  if (!s) return s.error().with_context("reading the stages");
  return cat;
}

std::string PipedriveStageCatalog::pipeline_name(int64_t id) const {
  for (const auto& p : pipelines_)
    if (p.id == id) return p.name;
  return std::to_string(id);
}

std::string PipedriveStageCatalog::describe_stages(std::optional<int64_t> pipeline) const {
  std::string out;
  for (const auto& p : pipelines_) {
    if (pipeline && p.id != *pipeline) continue;
    std::string names;
    for (const auto& s : stages_)
      if (s.pipeline_id == p.id) names += (names.empty() ? "" : ", ") + s.name;
    if (pipeline) return names.empty() ? "none" : names;
    out += (out.empty() ? "" : "; ") + p.name + ": " + (names.empty() ? "none" : names);
  }
  return out.empty() ? "none" : out;
}

Result<int64_t> PipedriveStageCatalog::pipeline_id(const Value& value) const {
  if (auto id = pipedrive_id_value(value)) return *id;
  std::string name = value.to_text();
  std::string known;
  for (const auto& p : pipelines_) {
    if (p.name == name) return p.id;
    known += (known.empty() ? "" : ", ") + p.name;
  }
  return Error(ErrorKind::rejected,
               "pipeline_id: no pipeline is called '" + name + "' (pipelines: " + known + ")");
}

Result<int64_t> PipedriveStageCatalog::stage_id(const Value& value,
                                                std::optional<int64_t> pipeline) const {
  if (auto id = pipedrive_id_value(value)) return *id;
  std::string name = value.to_text();
  std::vector<const PipedriveStage*> found;
  for (const auto& s : stages_) {
    if (s.name == name && (!pipeline || s.pipeline_id == *pipeline)) found.push_back(&s);
  }
  if (found.size() == 1) return found[0]->id;
  if (found.empty() && pipeline) {
    return Error(ErrorKind::rejected, "stage_id: pipeline '" + pipeline_name(*pipeline) +
                                          "' has no stage '" + name +
                                          "' (its stages: " + describe_stages(pipeline) + ")");
  }
  if (found.empty()) {
    return Error(ErrorKind::rejected, "stage_id: no pipeline has a stage '" + name +
                                          "' (stages: " + describe_stages(std::nullopt) + ")");
  }
  std::string where;
  for (const PipedriveStage* s : found)
    where += (where.empty() ? "" : ", ") + pipeline_name(s->pipeline_id);
  return Error(ErrorKind::rejected, "stage_id: stage '" + name + "' is in several pipelines (" +
                                        where + "): map pipeline_id too");
}

}  // namespace crmsync
