import { useState } from "preact/hooks";
import { ApiError, login } from "../api";
import { navigate } from "../router";

// Only a path on this site may follow a login (never another origin).
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/login") ? next : "/";
}

export function LoginPage() {
  const [token, setToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  document.title = "Log in · crmsync";
  async function submit(e: Event) {
    e.preventDefault();
    if (!token.trim()) {
      setError("Paste the API token.");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await login(token.trim());
      setToken("");
      navigate(safeNext(new URLSearchParams(location.search).get("next")), true);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : "serve did not answer; is it running?");
    } finally {
      setBusy(false);
    }
  }
  return (
    <main id="main" class="login">
      <h1>crmsync</h1>
      <form onSubmit={submit} noValidate>
        <label for="token">API token</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="current-password"
          value={token}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
          aria-invalid={error ? "true" : undefined}
          aria-describedby="token-help token-error"
          autoFocus
        />
        <p id="token-help" class="help">
          The token is in the file <code>api-token</code> beside the state store, or in <code>CRMSYNC_API_TOKEN</code>. It is
          exchanged for a session and not kept by the browser.
        </p>
        <p id="token-error" class="field-error" role="alert">
          {error}
        </p>
        <button type="submit" disabled={busy}>
          {busy ? "Logging in…" : "Log in"}
        </button>
      </form>
    </main>
  );
}
