// Records through the engine's pipeline, file -> SQLite, at one size per
// process (so peak RSS belongs to that size):
//   parse+filter+map+checksum: the in-memory part, no state, no target
//   1st run -> SQLite: the whole engine (CSV source, state store with match
//                      and create intents, SQLite target), everything created
//   re-run -> SQLite:  the same run again: everything read, nothing written
//   1st run -> JSONL:  the engine and its state writes into an append-only
//                      file target (no match): the engine's own cost
// Prints table rows; bench/run.sh runs 10k, 100k and 1M. Rates are given
// per wall second and per CPU second of the process (the one-core rate);
// peak MB is the process's peak RSS so far.
// For profiling one part alone (e.g. under callgrind): BENCH_ONLY_MEM=1 skips
// the engine runs, BENCH_ONLY_FIRST=1 runs only the first run into SQLite.
// --warm measures a second pass in the same process (fresh files, fresh
// state store) after an untimed first one: what a long-lived process (the
// daemon) sees, without the process's one-time costs. At 10k records those
// are most of the time: a first touch of a page of memory costs 11-15 us on
// the VMs this was measured on, and a fresh process touches ~2,300 of them.
#include <sys/resource.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/loader.h"
#include "connectors/registry.h"
#include "core/checksum.h"
#include "core/clock.h"
#include "engine/engine.h"
#include "filter/filter.h"
#include "mapping/mapping.h"
#include "state/state_store.h"

namespace fs = std::filesystem;
using namespace crmsync;

namespace {

const char* kConfig = R"(
connections:
  files: {type: file, dir: .}
  db: {type: sqlite, path: target.db}
flows:
  customers:
    source: {connection: files, object: customers.csv, id_field: customer_no, batch_size: 2000,
             filter: "status != 'test'"}
    target: {connection: db, object: customers, id_field: id, batch_size: 2000}
    match: {target_field: customer_no}
    mapping:
      customer_no: customer_no
      name: {from: name, transform: trim}
      email: {from: email, transform: lower}
      country: {from: country, map: {DE: Germany, FR: France, US: United States}, default: Other}
      balance: {from: balance, transform: number}
      city: city
      phone: phone
      status: status
      since: {from: since, transform: date}
  # The same pipeline into an append-only JSON Lines file without matching:
  # what remains is the engine and its state-store writes.
  customers_jsonl:
    source: {connection: files, object: customers.csv, id_field: customer_no, batch_size: 2000,
             filter: "status != 'test'"}
    target: {connection: files, object: out.jsonl, id_field: id, batch_size: 2000}
    mapping:
      customer_no: customer_no
      name: {from: name, transform: trim}
      email: {from: email, transform: lower}
      country: {from: country, map: {DE: Germany, FR: France, US: United States}, default: Other}
      balance: {from: balance, transform: number}
      city: city
      phone: phone
      status: status
      since: {from: since, transform: date}
)";

void write_csv(const fs::path& path, long n) {
  std::ofstream out(path);
  out << "customer_no,name,email,country,balance,city,phone,status,since,notes\n";
  static const char* kCountries[] = {"DE", "FR", "US", "IT"};
  for (long i = 0; i < n; ++i) {
    out << 'C' << (1000000 + i) << ",Customer " << i << " ,User" << i << "@Example.COM,"
        << kCountries[i % 4] << ',' << i % 100000 << '.' << (10 + i % 90) << ",City " << i % 500
        << ",+49 30 " << 1000000 + i << ',' << (i % 50 == 0 ? "test" : "active") << ",2020-0"
        << 1 + i % 9 << "-1" << i % 10 << ",\"note, with comma\"\n";
  }
}

double peak_rss_mb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) / 1024.0;
}

// Wall and CPU seconds of one phase. The engine runs on one thread, so
// records per CPU-second is the one-core rate even on a busy machine.
struct Stopwatch {
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
  double cpu = cpu_now();
  static double cpu_now() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
  }
  double wall_secs() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
  }
  double cpu_secs() const { return cpu_now() - cpu; }
};

// One measurement of `n` records in a directory of its own; prints its rows
// when `print`. `warm` only labels them.
int measure(long n, bool print, bool header, bool warm) {
  fs::path dir = fs::temp_directory_path() / ("crmsync-bench-" + std::to_string(getpid()));
  fs::create_directories(dir);
  write_csv(dir / "customers.csv", n);
  std::ofstream(dir / "crmsync.yaml") << kConfig;
  LoadResult loaded = load_config_file((dir / "crmsync.yaml").string());
  if (!loaded.ok()) {
    for (const auto& d : loaded.diagnostics) std::fprintf(stderr, "%s\n", d.to_string().c_str());
    return 2;
  }
  const Config& config = loaded.config;
  const FlowConfig& flow = config.flows[0];

  // In-memory part: the source reader, the filter, the mapping, the checksum.
  auto conn = ConnectorRegistry::instance().create(config.connections[0], {config.dir});
  auto filter = filter::Filter::parse(flow.source.filter);
  auto compiled = mapping::compile(flow.mapping);
  if (!conn || !filter || !compiled.mapping) {
    std::fprintf(stderr, "setup failed\n");
    return 2;
  }
  ReadRequest req;
  req.object = flow.source.object;
  req.id_field = flow.source.id_field;
  req.batch_size = 2000;
  Stopwatch t0;
  auto reader = (*conn)->read(req);
  std::vector<Record> batch;
  uint64_t sink = 0;
  long mapped = 0;
  int64_t now = SystemClock().now_micros();
  while (true) {
    auto more = (*reader)->next(batch);
    if (!more) return 3;
    for (const Record& r : batch) {
      if (!filter->matches(r, now)) continue;
      auto m = compiled.mapping->apply(r);
      if (!m) continue;
      sink ^= checksum(m->record);
      ++mapped;
    }
    if (!*more) break;
  }
  double mem_secs = t0.wall_secs(), mem_cpu = t0.cpu_secs();

  // The whole engine, first run (creates) and a re-run (all skipped), into
  // SQLite; then the first run into a JSON Lines file.
  auto store = open_sqlite_state_store(config.state.path);
  if (!store) return 4;
  SystemClock clock;
  SyncEngine engine(config, **store, clock);
  struct Phase {
    const char* name;
    const char* flow;
    double wall = 0, cpu = 0;
  };
  Phase phases[] = {{"1st run -> SQLite", "customers"},
                    {"re-run -> SQLite", "customers"},
                    {"1st run -> JSONL", "customers_jsonl"}};
  for (Phase& p : phases) {
    if (getenv("BENCH_ONLY_FIRST") && &p != &phases[0]) continue;
    if (getenv("BENCH_ONLY_MEM")) continue;
    RunOptions options;
    options.flows = {p.flow};
    Stopwatch t;
    auto report = engine.run(options);
    p.wall = t.wall_secs();
    p.cpu = t.cpu_secs();
    if (!report || report->status != RunStatus::succeeded) return 5;
  }

  if (header) {
    std::printf("%10s  %-32s %11s %11s %9s\n", "records", "phase", "r/s", "r/cpu-s", "peak MB");
  }
  auto row = [&](const char* phase, double wall, double cpu) {
    std::string name = std::string(phase) + (warm ? " (warm)" : "");
    std::printf("%10ld  %-32s %11.0f %11.0f %9.1f\n", n, name.c_str(), n / wall, n / cpu,
                peak_rss_mb());
  };
  if (print) {
    row("parse+filter+map+checksum", mem_secs, mem_cpu);
    for (const Phase& p : phases) row(p.name, p.wall, p.cpu);
    std::fflush(stdout);
  }
  fs::remove_all(dir);
  return sink == 42 && mapped < 0 ? 1 : 0;  // keep `sink` alive
}

}  // namespace

// bench_pipeline N [--no-header] [--warm]
int main(int argc, char** argv) {
  long n = argc > 1 ? std::stol(argv[1]) : 100000;
  bool header = true, warm = false;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--no-header") {
      header = false;
    } else if (arg == "--warm") {
      warm = true;
    } else {
      std::fprintf(stderr, "bench_pipeline: unknown argument '%s' (--no-header, --warm)\n",
                   argv[i]);
      return 2;
    }
  }
  if (warm) {
    if (int rc = measure(n, false, false, false); rc != 0) return rc;
  }
  return measure(n, true, header, warm);
}
