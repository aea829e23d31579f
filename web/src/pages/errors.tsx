import { useState } from "preact/hooks";
import type { RecordError } from "../api";
import { ApiError, api } from "../api";
import { Status, Time, num } from "../format";
import { Loading, Problem, useApi } from "../load";
import { navigate } from "../router";

// A run's failed records, oldest first, a page at a time (`after` cursor).
export function ErrorsTable({ id, limit = 50 }: { id: number; limit?: number }) {
  const [after, setAfter] = useState<string[]>([]);
  const cursor = after[after.length - 1];
  const page = useApi<{ errors: RecordError[]; next: string | null }>(
    `/api/v1/runs/${id}/errors?limit=${limit}${cursor ? `&after=${cursor}` : ""}`,
  );
  if (page.error) return <Problem error={page.error} />;
  if (!page.data) return <Loading when />;
  const { errors, next } = page.data;
  if (errors.length === 0) return <p class="muted">No record errors.</p>;
  const nextAfter = next ? new URL(next, location.origin).searchParams.get("after") : null;
  return (
    <>
      <div class="scroll">
        <table class="errors">
          <thead>
            <tr>
              <th scope="col">Flow</th>
              <th scope="col">Source id</th>
              <th scope="col">Kind</th>
              <th scope="col" class="num">
                Attempts
              </th>
              <th scope="col">Status</th>
              <th scope="col">Message and payload</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
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
              </tr>
            ))}
          </tbody>
        </table>
      </div>
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
