import type { Flow, Run } from "../api";
import { RUN_STATUSES } from "../api";
import { useApi } from "../load";
import { Loaded } from "../table";
import { navigate, useLocation } from "../router";
import { RunsTable } from "./overview";

const PAGE = 50;

// The instant a day (YYYY-MM-DD, the browser's zone) plus `plus` days
// begins, as RFC 3339 UTC; "" when there is no valid day.
function dayStart(day: string, plus: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return "";
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plus);
  return isNaN(d.getTime()) ? "" : d.toISOString();
}

// The runs, newest first, a page at a time (the API's `before` cursor);
// the filters live in the URL, so a filtered page can be bookmarked.
export function HistoryPage() {
  const { query } = useLocation();
  const flow = query.get("flow") ?? "";
  const status = query.get("status") ?? "";
  const before = query.get("before") ?? "";
  const from = query.get("from") ?? "";
  const to = query.get("to") ?? "";
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (flow) q.set("flow", flow);
  if (status) q.set("status", status);
  if (before) q.set("before", before);
  // The dates are days in the browser's zone: from its first moment to the
  // end of the `to` day.
  const fromAt = dayStart(from, 0);
  const toAt = dayStart(to, 1);
  if (fromAt) q.set("from", fromAt);
  if (toAt) q.set("to", toAt);
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
        <label>
          From{" "}
          <input type="date" name="from" value={from} max={to || undefined} onChange={(e) => filter("from", (e.target as HTMLInputElement).value)} />
        </label>
        <label>
          To{" "}
          <input type="date" name="to" value={to} min={from || undefined} onChange={(e) => filter("to", (e.target as HTMLInputElement).value)} />
        </label>
      </form>
      <Loaded state={runs}>{(d) => <RunsTable runs={d.runs} />}</Loaded>
      <nav class="pager" aria-label="Pages">
        {before && <a href={`/history${newest.toString() ? "?" + newest : ""}`}>← Newest</a>}
        {olderCursor && <a href={`/history?${older}`}>Older →</a>}
      </nav>
    </>
  );
}
