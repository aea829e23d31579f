import type { Connection, Flow, InboxFlow, Run } from "../api";
import { Status, Time, num } from "../format";
import { useApi } from "../load";
import { Loaded, Table } from "../table";

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

// The inbox's waiting webhook events of a flow; "–" when it takes none.
function inboxDepth(inbox: InboxFlow[] | undefined, flow: string) {
  const f = inbox?.find((i) => i.flow === flow);
  return f ? num(f.pending) : "–";
}

export function OverviewPage() {
  const conns = useApi<{ connections: Connection[] }>("/api/v1/connections");
  const flows = useApi<{ flows: Flow[] }>("/api/v1/flows");
  const runs = useApi<{ runs: Run[] }>("/api/v1/runs?limit=10");
  const inbox = useApi<{ flows: InboxFlow[] }>("/api/v1/inbox");
  return (
    <>
      <section aria-labelledby="conns">
        <h2 id="conns">Connections</h2>
        <Loaded state={conns}>
          {(d) => (
            <Table cols={["Name", "Type", "Status", "Last check", { label: "API calls left", num: true }, "Message"]}>
              {d.connections.map((c) => (
                <tr>
                  <td>{c.name}</td>
                  <td>{c.type}</td>
                  <td>
                    <Status status={connectionState(c)} />
                  </td>
                  <td>
                    <Time at={c.checked_at} />
                  </td>
                  <td class="num" data-budget={c.name}>
                    {num(c.budget_remaining)}
                  </td>
                  <td class="wrap">{c.message ?? ""}</td>
                </tr>
              ))}
            </Table>
          )}
        </Loaded>
        <p class="help">
          <strong>API calls left</strong>: the budget the API reported in its last answer (Salesforce's daily limit,
          Pipedrive's daily tokens); – until a run has called it.
        </p>
      </section>
      <section aria-labelledby="flows">
        <h2 id="flows">Flows</h2>
        <Loaded state={flows}>
          {(d) => (
            <Table
              cols={[
                "Flow",
                "From → to",
                "Trigger",
                "Next run",
                "Last run",
                "Ended",
                { label: "Open errors", num: true },
                { label: "Inbox", num: true },
              ]}
            >
              {d.flows.map((f) => (
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
                  <td class="num" data-open-errors={f.name}>
                    {num(f.open_errors)}
                    {f.open_errors_capped ? "+" : ""}
                  </td>
                  <td class="num" data-inbox={f.name}>
                    {inboxDepth(inbox.data?.flows, f.name)}
                  </td>
                </tr>
              ))}
            </Table>
          )}
        </Loaded>
        <p class="help">
          <strong>Open errors</strong>: records that failed and wait for a retry. <strong>Inbox</strong>: webhook events
          received and not yet synced (– for a flow no webhook feeds).
        </p>
      </section>
      <section aria-labelledby="recent">
        <h2 id="recent">Recent runs</h2>
        <Loaded state={runs}>{(d) => <RunsTable runs={d.runs} />}</Loaded>
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
    <Table
      cols={[
        { label: "Run", num: true },
        "Status",
        "Flows",
        "Trigger",
        "Queued",
        { label: "Read", num: true },
        { label: "Created", num: true },
        { label: "Updated", num: true },
        { label: "Failed", num: true },
      ]}
    >
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
    </Table>
  );
}
