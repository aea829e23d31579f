// The state store's hot operations per record, SQLite against PostgreSQL
// (issue 23): id-map lookups (one lookup() of a read batch's ids) and batch
// commits (id-map upserts, settled create intents, the cursor, run counts
// in one transaction), as the engine does them for every batch it writes.
// PostgreSQL is a throwaway local server (tests/support/sql_test_server.h,
// fsync off as in the tests), reached over TCP on loopback: the numbers
// include a round trip per statement, which a remote server makes larger.
// Usage: bench_state_store [--benchmark_filter=...]; items/s are records/s.
#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <vector>

#include "state/state_store.h"
#include "support/sql_test_server.h"
#include "support/temp_dir.h"

using namespace crmsync;
using namespace crmsync::testing;

namespace {

constexpr int kMapped = 100'000;  // id-map rows of the flow before measuring

std::string source_id(int i) {
  return "0015g00000" + std::to_string(1'000'000 + i);  // Salesforce-like ids
}

// One store per backend for the whole process, filled once.
StateStore& store(const std::string& backend) {
  static TempDir dir;
  static std::map<std::string, std::unique_ptr<StateStore>> stores;
  auto& s = stores[backend];
  if (s) return *s;
  Result<std::unique_ptr<StateStore>> opened = Error(ErrorKind::fatal, "unknown backend");
  if (backend == "sqlite") {
    opened = open_sqlite_state_store(dir.file("state.db"));
  } else {
    const SqlServerInfo& server = test_server("postgres");
    std::string db = server.create_database();
    // "postgres": TCP on loopback; "postgres-socket": the unix socket.
    std::string host = backend == "postgres" ? "127.0.0.1" : "";
    std::string query = backend == "postgres" ? "" : "?host=" + server.socket;
    opened = open_postgres_state_store("postgresql://" + server.user + ":" + server.password + "@" +
                                       host + ":" + std::to_string(server.port) + "/" + db + query);
  }
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().message.c_str());
    std::abort();
  }
  s = std::move(*opened);
  for (int start = 0; start < kMapped; start += 5000) {
    BatchCommit c;
    c.flow = "accounts";
    for (int i = start; i < start + 5000; ++i) {
      c.upserts.push_back({source_id(i), "T" + std::to_string(i), 11u * i, 13u * i, 1, 1, false});
    }
    if (Status st = s->commit(c); !st) std::abort();
  }
  return *s;
}

// items_per_second: records/s; us_per_record: wall time per record.
void per_record(benchmark::State& state, size_t batch) {
  int64_t records = state.iterations() * static_cast<int64_t>(batch);
  state.SetItemsProcessed(records);
  state.counters["us_per_record"] =
      benchmark::Counter(static_cast<double>(records) / 1e6,
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void lookup(benchmark::State& state, const std::string& backend) {
  StateStore& s = store(backend);
  size_t batch = static_cast<size_t>(state.range(0));
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> pick(0, kMapped - 1);
  std::vector<std::string> ids(batch);
  for (auto _ : state) {
    state.PauseTiming();
    for (auto& id : ids) id = source_id(pick(rng));
    state.ResumeTiming();
    auto found = s.lookup("accounts", ids);
    if (!found || found->empty()) state.SkipWithError("lookup failed");
    benchmark::DoNotOptimize(found);
  }
  per_record(state, batch);
}

// A first sync's batch: new records, their intents settled, the cursor moved.
void commit(benchmark::State& state, const std::string& backend) {
  StateStore& s = store(backend);
  size_t batch = static_cast<size_t>(state.range(0));
  static int next = kMapped;
  auto run = s.begin_run("bench", 1);
  if (!run) return state.SkipWithError("begin_run failed");
  for (auto _ : state) {
    state.PauseTiming();
    BatchCommit c;
    c.flow = "accounts";
    c.run_id = *run;
    std::vector<CreateIntent> intents;
    for (size_t i = 0; i < batch; ++i, ++next) {
      c.upserts.push_back(
          {source_id(next), "T" + std::to_string(next), 11u * next, 13u * next, 2, *run, false});
      c.settled_intents.push_back(source_id(next));
      intents.push_back({source_id(next), "email", Value("e@x.com"), *run, 2});
    }
    c.cursor = Cursor{Value(int64_t{next}), source_id(next - 1)};
    c.counts.read = c.counts.created = static_cast<int64_t>(batch);
    if (!s.add_intents("accounts", intents)) state.SkipWithError("add_intents failed");
    state.ResumeTiming();
    if (Status st = s.commit(c); !st) {
      static std::string why;
      why = st.error().message;
      state.SkipWithError(why.c_str());
    }
  }
  per_record(state, batch);
}

}  // namespace

int main(int argc, char** argv) {
  for (std::string backend : {"sqlite", "postgres", "postgres-socket"}) {
    benchmark::RegisterBenchmark(("lookup/" + backend).c_str(), lookup, backend)
        ->Arg(1)
        ->Arg(100)
        ->Arg(1000)
        ->UseRealTime()  // the server's work is in another process
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("commit/" + backend).c_str(), commit, backend)
        ->Arg(1)
        ->Arg(100)
        ->Arg(1000)
        ->UseRealTime()  // the server's work is in another process
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
