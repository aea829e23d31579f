import { useState } from "preact/hooks";
import type { Connection } from "../api";
import { ApiError, api } from "../api";
import { Status, Time } from "../format";
import { Loading, Problem, useApi } from "../load";
import { connectionState } from "./overview";

export function ConnectionsPage() {
  const conns = useApi<{ connections: Connection[] }>("/api/v1/connections");
  const [checked, setChecked] = useState<Record<string, Connection>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  async function check(name: string) {
    setBusy(name);
    setError(null);
    try {
      const c = await api<Connection>(`/api/v1/connections/${encodeURIComponent(name)}/check`, "POST");
      setChecked({ ...checked, [name]: c });
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <Problem error={conns.error} />
      <Problem error={error} />
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
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {conns.data.connections.map((c0) => {
                const c = checked[c0.name] ?? c0;
                return (
                  <tr>
                    <th scope="row">{c.name}</th>
                    <td>{c.type}</td>
                    <td>
                      <Status status={busy === c.name ? "checking" : connectionState(c)} />
                    </td>
                    <td>
                      <Time at={c.checked_at} />
                    </td>
                    <td class="wrap">{c.message ?? ""}</td>
                    <td>
                      <button type="button" onClick={() => check(c.name)} disabled={busy !== null} aria-label={`Check ${c.name}`}>
                        Check
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <p class="help">
        serve checks every connection when it starts and after a reload; <strong>Check</strong> checks one now. To connect
        an OAuth connection, run <code>crmsync connect NAME</code> on the machine serve runs on.
      </p>
    </>
  );
}
