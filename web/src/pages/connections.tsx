import { useRef, useState } from "preact/hooks";
import type { Connection } from "../api";
import { ApiError, api } from "../api";
import { Status, Time, num } from "../format";
import { Problem, useApi } from "../load";
import { Loaded, Table } from "../table";
import { connectionState } from "./overview";

export function ConnectionsPage() {
  const conns = useApi<{ connections: Connection[] }>("/api/v1/connections");
  const [checked, setChecked] = useState<Record<string, Connection>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [leaving, setLeaving] = useState<string | null>(null);
  const dialog = useRef<HTMLDialogElement>(null);
  const query = new URLSearchParams(location.search);
  const connected = query.get("connected");
  const oauthError = query.get("oauth_error");

  // Connect: the browser goes to the API's login page and comes back to
  // serve's /oauth/callback, which stores the token and returns here.
  async function connect(name: string) {
    setError(null);
    try {
      const { authorize_url } = await api<{ authorize_url: string }>(`/api/v1/connections/${encodeURIComponent(name)}/connect`, "POST");
      location.assign(authorize_url);
    } catch (e) {
      setError(e as ApiError);
    }
  }
  async function disconnect() {
    const name = leaving!;
    dialog.current?.close();
    setBusy(name);
    setError(null);
    try {
      const r = await api<{ revocation: string }>(`/api/v1/connections/${encodeURIComponent(name)}/disconnect`, "POST");
      setNote(`Disconnected ${name}: the token is deleted (${r.revocation}).`);
      conns.reload();
      setChecked({});
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(null);
    }
  }

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
      <Problem error={error} />
      {connected && !note && (
        <p class="note" role="status">
          Connected {connected}: its token is stored encrypted.
        </p>
      )}
      {oauthError && !note && (
        <p class="problem" role="alert">
          Connect failed: {oauthError}
        </p>
      )}
      {note && (
        <p class="note" role="status">
          {note}
        </p>
      )}
      <Loaded state={conns}>
        {(d) => (
          <Table cols={["Name", "Type", "Status", "Last check", { label: "API calls left", num: true }, "Message", { label: "Actions", hidden: true }]}>
            {d.connections.map((c0) => {
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
                  <td class="num">{num(c.budget_remaining)}</td>
                  <td class="wrap">{c.message ?? ""}</td>
                  <td class="actions">
                    <button type="button" onClick={() => check(c.name)} disabled={busy !== null} aria-label={`Check ${c.name}`}>
                      Check
                    </button>
                    {c.connected === false && (
                      <button type="button" onClick={() => connect(c.name)} aria-label={`Connect ${c.name}`}>
                        Connect
                      </button>
                    )}
                    {c.connected === true && (
                      <button
                        type="button"
                        class="danger"
                        onClick={() => {
                          setLeaving(c.name);
                          dialog.current?.showModal();
                        }}
                        aria-label={`Disconnect ${c.name}`}
                      >
                        Disconnect
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </Table>
        )}
      </Loaded>
      <p class="help">
        serve checks every connection when it starts and after a reload; <strong>Check</strong> checks one now.{" "}
        <strong>Connect</strong> logs a connection with <code>auth: web_server</code> (Salesforce, Pipedrive) in through its
        API's login page (OAuth); the API's app must list this serve's <code>/oauth/callback</code> as its callback URL.
      </p>
      <dialog ref={dialog} aria-labelledby="disconnect-h">
        <h2 id="disconnect-h">Disconnect {leaving}?</h2>
        <p>The token is revoked at the API where it allows it and deleted here. Runs of its flows fail until it is connected again.</p>
        <div class="actions">
          <button type="button" onClick={() => dialog.current?.close()} autoFocus>
            Keep connected
          </button>
          <button type="button" class="danger" onClick={disconnect}>
            Disconnect
          </button>
        </div>
      </dialog>
    </>
  );
}
