import { useState } from "preact/hooks";
import type { RecordError } from "../api";
import { ApiError, api } from "../api";
import { Status, Time, num } from "../format";
import { Problem, useApi } from "../load";
import { Loaded, Table } from "../table";
import { navigate } from "../router";

// A run's failed records, oldest first, a page at a time (`after` cursor);
// each open one can be retried on its own (a run of its flow retries it).
export function ErrorsTable({ id, limit = 50 }: { id: number; limit?: number }) {
  const [after, setAfter] = useState<string[]>([]);
  const [retrying, setRetrying] = useState<number | null>(null);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const cursor = after[after.length - 1];
  const page = useApi<{ errors: RecordError[]; next: string | null }>(
    `/api/v1/runs/${id}/errors?limit=${limit}${cursor ? `&after=${cursor}` : ""}`,
  );
  async function retryOne(e: RecordError) {
    setRetrying(e.id);
    setProblem(null);
    try {
      const run = await api<{ id: number }>(`/api/v1/errors/${e.id}/retry`, "POST");
      navigate(`/runs/${run.id}`);
    } catch (err) {
      setProblem(err as ApiError);
    } finally {
      setRetrying(null);
    }
  }
  return (
    <Loaded state={page}>
      {({ errors, next }) => {
        if (errors.length === 0) return <p class="muted">No record errors.</p>;
        const nextAfter = next ? new URL(next, location.origin).searchParams.get("after") : null;
        return (
          <>
            <Problem error={problem} />
            <Table
              cls="errors"
              cols={[
                "Flow",
                "Source id",
                "Kind",
                { label: "Attempts", num: true },
                "Status",
                "Message and payload",
                "When",
                { label: "Actions", hidden: true },
              ]}
            >
              {errors.map((e) => (
                <tr>
                  <td>{e.flow}</td>
                  <td>
                    <code>{e.source_id}</code>
                  </td>
                  <td>
                    {e.kind}
                    {e.outcome_unknown ? " (outcome unknown)" : ""}
                  </td>
                  <td class="num">{num(e.attempts)}</td>
                  <td>
                    <Status status={e.status} />
                  </td>
                  <td class="wrap">
                    <details>
                      <summary>{e.message}</summary>
                      <pre>{JSON.stringify(e.payload, null, 2)}</pre>
                    </details>
                  </td>
                  <td>
                    <Time at={e.created_at} />
                  </td>
                  <td class="actions">
                    {e.status !== "resolved" && (
                      <button
                        type="button"
                        data-retry={e.id}
                        aria-label={`Retry ${e.source_id}`}
                        disabled={retrying !== null}
                        onClick={() => retryOne(e)}
                      >
                        {retrying === e.id ? "Retrying…" : "Retry"}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </Table>
            <nav class="pager" aria-label="Error pages">
              {after.length > 0 && (
                <button type="button" class="link" onClick={() => setAfter(after.slice(0, -1))}>
                  ← Earlier
                </button>
              )}
              {nextAfter && (
                <button type="button" class="link" onClick={() => setAfter([...after, nextAfter])}>
                  Later →
                </button>
              )}
            </nav>
          </>
        );
      }}
    </Loaded>
  );
}

export function ErrorsPage({ id }: { id: number }) {
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  async function retryAll() {
    setBusy(true);
    try {
      const next = await api<{ id: number }>(`/api/v1/runs/${id}/retry`, "POST");
      navigate(`/runs/${next.id}`);
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
      <p class="run-head">
        <a href={`/runs/${id}`}>← Run #{id}</a>
        <span class="spacer" />
        <button type="button" onClick={retryAll} disabled={busy}>
          Retry all failed records of run #{id}
        </button>
      </p>
      <Problem error={error} />
      <ErrorsTable id={id} />
    </>
  );
}
