// TEMPORARY (coordinator, 2026-12-06): declarations only so that branches
// build against the new StateStore contract; branch `jobs` replaces this
// file with the real implementation before anything ships.
#include "state/sqlite_state_store.h"

namespace crmsync {
namespace {
Error todo(const char* what) {
  return Error(ErrorKind::fatal, std::string(what) + ": not built yet");
}
}  // namespace

std::string ProcessOwner::to_string() const {
  return role + " pid " + std::to_string(pid) + " on " + host;
}
ProcessOwner ProcessOwner::self(std::string role) {
  ProcessOwner o;
  o.role = std::move(role);
  return o;
}
bool ProcessOwner::alive() const {
  return true;
}

Result<int64_t> SqliteStateStore::queue_run(const RunRequest&, int64_t) {
  return todo("queue_run");
}
Result<bool> SqliteStateStore::start_run(int64_t, int64_t) {
  return todo("start_run");
}
Result<bool> SqliteStateStore::request_cancel(int64_t, int64_t) {
  return todo("request_cancel");
}
Result<std::vector<RunInfo>> SqliteStateStore::runs(const RunFilter&) {
  return todo("runs");
}
Status SqliteStateStore::mark_resumed(int64_t, int64_t) {
  return todo("mark_resumed");
}
Status SqliteStateStore::set_expected(int64_t, std::string_view, int64_t) {
  return todo("set_expected");
}
Result<std::map<std::string, FlowLastRun>> SqliteStateStore::flow_last_runs() {
  return todo("flow_last_runs");
}
Result<std::vector<FlowLockHolder>> SqliteStateStore::lock_flows(std::span<const std::string>,
                                                                 int64_t, int64_t) {
  return todo("lock_flows");
}
Status SqliteStateStore::unlock_flows(std::span<const std::string>) {
  return todo("unlock_flows");
}
Result<int64_t> SqliteStateStore::schedule_slot(std::string_view) {
  return todo("schedule_slot");
}
Status SqliteStateStore::set_schedule_slot(std::string_view, int64_t) {
  return todo("set_schedule_slot");
}
Result<std::vector<RecordError>> SqliteStateStore::errors_page(int64_t, int64_t, size_t) {
  return todo("errors_page");
}
std::unique_ptr<StateStore> make_locked_state_store(std::unique_ptr<StateStore> inner) {
  return inner;
}

}  // namespace crmsync
