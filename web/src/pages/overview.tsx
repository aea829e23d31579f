import type { Connection, Flow, Run } from "../api";
import { Status, Time, num } from "../format";
import { Loading, Problem, useApi } from "../load";

export function triggerText(f: Flow): string {
  const t = f.trigger;
  const parts: string[] = [];
  if (t.schedule) parts.push(`${t.schedule}${t.timezone && t.timezone !== "UTC" ? ` (${t.timezone})` : ""}`);
  if (t.cdc) parts.push("change stream");
  if (t.manual || parts.length === 0) parts.push("manual");
  return parts.join(", ");
}

export function connectionState(c: Connection): string {
  return c.ok === null ? "unchecked" : c.ok ? "ok" : "failed";
}

export function OverviewPage() {
  const conns = useApi<{ connections: Connection[] }>("/api/v1/connections");
  const flows = useApi<{ flows: Flow[] }>("/api/v1/flows");
  const runs = useApi<{ runs: Run[] }>("/api/v1/runs?limit=10");
  return (
    <>
      <section aria-labelledby="conns">
        <h2 id="conns">Connections</h2>
        <Problem error={conns.error} />
        <Loading when={!conns.data && !conns.error} />
        {conns.data && (
          <div class="scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Type</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last check</th>
                  <th scope="col">Message</th>
                </tr>
              </thead>
              <tbody>
                {conns.data.connections.map((c) => (
                  <tr>
                    <td>{c.name}</td>
                    <td>{c.type}</td>
                    <td>
                      <Status status={connectionState(c)} />
                    </td>
                    <td>
                      <Time at={c.checked_at} />
                    </td>
                    <td class="wrap">{c.message ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="flows">
        <h2 id="flows">Flows</h2>
        <Problem error={flows.error} />
        <Loading when={!flows.data && !flows.error} />
        {flows.data && (
          <div class="scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Flow</th>
                  <th scope="col">From → to</th>
                  <th scope="col">Trigger</th>
                  <th scope="col">Next run</th>
                  <th scope="col">Last run</th>
                  <th scope="col">Ended</th>
                </tr>
              </thead>
              <tbody>
                {flows.data.flows.map((f) => (
                  <tr>
                    <td>{f.name}</td>
                    <td>
                      {f.source_connection} → {f.target_connection}
                    </td>
                    <td>{triggerText(f)}</td>
                    <td>
                      <Time at={f.next_fire_at} />
                    </td>
                    <td>
                      {f.running ? (
                        <Status status="running" />
                      ) : f.last_run ? (
                        <a href={`/runs/${f.last_run.run_id}`}>
                          <Status status={f.last_run.status} /> #{f.last_run.run_id}
                        </a>
                      ) : (
                        <span class="muted">never</span>
                      )}
                    </td>
                    <td>
                      <Time at={f.last_run?.ended_at} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="recent">
        <h2 id="recent">Recent runs</h2>
        <Problem error={runs.error} />
        <Loading when={!runs.data && !runs.error} />
        {runs.data && <RunsTable runs={runs.data.runs} />}
        <p>
          <a href="/history">All runs</a>
        </p>
      </section>
    </>
  );
}

export function totals(run: Run) {
  const t = { read: 0, created: 0, updated: 0, skipped: 0, failed: 0 };
  for (const c of Object.values(run.flows ?? {})) {
    t.read += c.read;
    t.created += c.created;
    t.updated += c.updated;
    t.skipped += c.skipped;
    t.failed += c.failed;
  }
  return t;
}

export function RunsTable({ runs }: { runs: Run[] }) {
  if (runs.length === 0) return <p class="muted">No runs.</p>;
  return (
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col" class="num">
              Run
            </th>
            <th scope="col">Status</th>
            <th scope="col">Flows</th>
            <th scope="col">Trigger</th>
            <th scope="col">Queued</th>
            <th scope="col" class="num">
              Read
            </th>
            <th scope="col" class="num">
              Created
            </th>
            <th scope="col" class="num">
              Updated
            </th>
            <th scope="col" class="num">
              Failed
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => {
            const t = totals(r);
            return (
              <tr>
                <td class="num">
                  <a href={`/runs/${r.id}`}>#{r.id}</a>
                </td>
                <td>
                  <Status status={r.status} />
                </td>
                <td class="wrap">{Object.keys(r.flows ?? {}).join(", ") || r.request.flows.join(", ") || "all"}</td>
                <td>{r.trigger}</td>
                <td>
                  <Time at={r.queued_at} />
                </td>
                <td class="num">{num(t.read)}</td>
                <td class="num">{num(t.created)}</td>
                <td class="num">{num(t.updated)}</td>
                <td class="num">{t.failed ? <a href={`/runs/${r.id}/errors`}>{num(t.failed)}</a> : num(0)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
