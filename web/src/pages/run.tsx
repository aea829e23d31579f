import { useEffect, useRef, useState } from "preact/hooks";
import type { Counts, Progress, Run } from "../api";
import { ApiError, ENDED, api, loadSession, toLogin } from "../api";
import { Bar, Status, Time, duration, num } from "../format";
import { Problem, useApi } from "../load";
import { navigate } from "../router";
import { ErrorsTable } from "./errors";
import { Table } from "../table";

type Link = "live" | "reconnecting" | "ended";

// The run's progress over Server-Sent Events: EventSource resumes after a
// drop by itself with Last-Event-ID; while it does, the page says so.
function useProgress(id: number, active: boolean) {
  const [progress, setProgress] = useState<Progress | null>(null);
  const [link, setLink] = useState<Link>("live");
  useEffect(() => {
    if (!active) return;
    const es = new EventSource(`/api/v1/runs/${id}/events`);
    const take = (e: MessageEvent) => {
      setProgress(JSON.parse(e.data));
      setLink("live");
    };
    es.addEventListener("progress", take as EventListener);
    es.addEventListener("end", ((e: MessageEvent) => {
      take(e);
      setLink("ended");
      es.close();
    }) as EventListener);
    es.onopen = () => setLink("live");
    es.onerror = () => {
      if (es.readyState === EventSource.CLOSED) {
        // Refused (the session ended, most likely): back to login if so.
        loadSession().then((live) => (live ? setLink("reconnecting") : toLogin()));
      } else {
        setLink("reconnecting");
      }
    };
    return () => es.close();
  }, [id, active]);
  return { progress, link };
}

function sum(flows: Record<string, Counts>) {
  let read = 0;
  let expected: number | null = 0;
  for (const c of Object.values(flows)) {
    read += c.read;
    expected = expected === null || c.expected === null ? null : expected + c.expected;
  }
  return { read, expected };
}

export function RunPage({ id }: { id: number }) {
  const run = useApi<Run>(`/api/v1/runs/${id}`);
  const [error, setError] = useState<ApiError | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const startedLive = run.data ? !ENDED.has(run.data.status) : false;
  const { progress, link } = useProgress(id, startedLive);
  // When the stream says the run ended, read the run again for its summary.
  useEffect(() => {
    if (link === "ended") run.reload();
  }, [link]);

  if (run.error) return <Problem error={run.error} />;
  if (!run.data) return <p class="muted">Loading…</p>;
  const r = run.data;
  const status = progress && !ENDED.has(r.status) ? progress.status : r.status;
  const flows = progress && !ENDED.has(r.status) ? progress.flows : r.flows;
  const ended = ENDED.has(status);
  const total = sum(flows);
  const failed = Object.values(flows).reduce((n, c) => n + c.failed, 0);

  async function cancel() {
    dialog.current?.close();
    try {
      await api(`/api/v1/runs/${id}/cancel`, "POST");
      run.reload();
    } catch (e) {
      setError(e as ApiError);
    }
  }
  async function retry() {
    try {
      const next = await api<{ id: number }>(`/api/v1/runs/${id}/retry`, "POST");
      navigate(`/runs/${next.id}`);
    } catch (e) {
      setError(e as ApiError);
    }
  }

  return (
    <>
      <div class="run-head">
        <Status status={status} />
        {r.cancel_requested && !ended && <span class="muted">cancelling at the next batch…</span>}
        {!ended && (
          <span class={`link-state ${link}`} role="status" aria-live="polite">
            {link === "reconnecting" ? "reconnecting…" : "live"}
          </span>
        )}
        <span class="spacer" />
        {!ended && (
          <button type="button" class="danger" onClick={() => dialog.current?.showModal()} disabled={r.cancel_requested}>
            Cancel run
          </button>
        )}
        {ended && failed > 0 && (
          <button type="button" onClick={retry}>
            Retry failed records
          </button>
        )}
      </div>
      <Problem error={error} />
      <dl class="facts">
        <dt>Trigger</dt>
        <dd>{r.trigger}</dd>
        <dt>Mode</dt>
        <dd>{r.request.full ? "full" : "incremental"}</dd>
        <dt>Queued</dt>
        <dd>
          <Time at={r.queued_at} />
        </dd>
        <dt>Started</dt>
        <dd>
          <Time at={r.started_at} />
        </dd>
        <dt>{ended ? "Took" : "Running for"}</dt>
        <dd>{duration(r.started_at, r.ended_at)}</dd>
        {Object.keys(r.request.params ?? {}).length > 0 && (
          <>
            <dt>Params</dt>
            <dd>
              {Object.entries(r.request.params)
                .map(([k, v]) => `${k}=${v}`)
                .join(", ")}
            </dd>
          </>
        )}
      </dl>
      {r.message && (
        <p class="problem" role="alert">
          {r.message}
        </p>
      )}
      <section aria-labelledby="progress-h">
        <h2 id="progress-h">Progress</h2>
        <p class="overall">
          All flows: {num(total.read)}
          {total.expected !== null ? ` of ${num(total.expected)}` : ""} records read
        </p>
        <Bar label="All flows" read={total.read} expected={total.expected} done={ended} />
        <Table
          cls="progress"
          cols={[
            "Flow",
            { label: "Progress", cls: "bar-col" },
            ...["Read", "Of", "Created", "Updated", "Unchanged", "Deleted", "Failed"].map((label) => ({ label, num: true })),
          ]}
        >
          {Object.entries(flows).map(([name, c]) => (
            <tr>
              <th scope="row">{name}</th>
              <td class="bar-col">
                <Bar label={name} read={c.read} expected={c.expected} done={ended} />
              </td>
              {[c.read, c.expected, c.created, c.updated, c.skipped, c.deleted, c.failed].map((n) => (
                <td class="num">{num(n)}</td>
              ))}
            </tr>
          ))}
        </Table>
      </section>
      {ended && failed > 0 && (
        <section aria-labelledby="errors-h">
          <h2 id="errors-h">Errors</h2>
          <ErrorsTable id={id} limit={20} />
          <p>
            <a href={`/runs/${id}/errors`}>All errors of run #{id}</a>
          </p>
        </section>
      )}
      <dialog ref={dialog} aria-labelledby="cancel-h">
        <h2 id="cancel-h">Cancel run #{id}?</h2>
        <p>The batch being written commits; the next run goes on from where this one stopped.</p>
        <div class="actions">
          <button type="button" onClick={() => dialog.current?.close()} autoFocus>
            Keep running
          </button>
          <button type="button" class="danger" onClick={cancel}>
            Cancel run
          </button>
        </div>
      </dialog>
    </>
  );
}
