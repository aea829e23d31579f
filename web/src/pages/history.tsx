import type { Flow, Run } from "../api";
import { RUN_STATUSES } from "../api";
import { Loading, Problem, useApi } from "../load";
import { navigate, useLocation } from "../router";
import { RunsTable } from "./overview";

const PAGE = 50;

// The runs, newest first, a page at a time (the API's `before` cursor);
// the filters live in the URL, so a filtered page can be bookmarked.
export function HistoryPage() {
  const { query } = useLocation();
  const flow = query.get("flow") ?? "";
  const status = query.get("status") ?? "";
  const before = query.get("before") ?? "";
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (flow) q.set("flow", flow);
  if (status) q.set("status", status);
  if (before) q.set("before", before);
  const runs = useApi<{ runs: Run[]; next: string | null }>(`/api/v1/runs?${q}`);
  const flows = useApi<{ flows: Flow[] }>("/api/v1/flows");

  function filter(key: string, value: string) {
    const next = new URLSearchParams(location.search);
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete("before");
    navigate(`/history${next.toString() ? "?" + next : ""}`);
  }
  const olderCursor = runs.data?.next ? new URL(runs.data.next, location.origin).searchParams.get("before") : null;
  const older = new URLSearchParams(location.search);
  if (olderCursor) older.set("before", olderCursor);
  const newest = new URLSearchParams(location.search);
  newest.delete("before");

  return (
    <>
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter runs">
        <label>
          Flow{" "}
          <select value={flow} onChange={(e) => filter("flow", (e.target as HTMLSelectElement).value)}>
            <option value="">all</option>
            {flows.data?.flows.map((f) => (
              <option value={f.name}>{f.name}</option>
            ))}
          </select>
        </label>
        <label>
          Status{" "}
          <select value={status} onChange={(e) => filter("status", (e.target as HTMLSelectElement).value)}>
            <option value="">all</option>
            {RUN_STATUSES.map((s) => (
              <option value={s}>{s}</option>
            ))}
          </select>
        </label>
      </form>
      <Problem error={runs.error} />
      <Loading when={!runs.data && !runs.error} />
      {runs.data && <RunsTable runs={runs.data.runs} />}
      <nav class="pager" aria-label="Pages">
        {before && <a href={`/history${newest.toString() ? "?" + newest : ""}`}>← Newest</a>}
        {olderCursor && <a href={`/history?${older}`}>Older →</a>}
      </nav>
    </>
  );
}
