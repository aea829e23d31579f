import { useEffect, useState } from "preact/hooks";
import { ApiError, api } from "./api";

// A GET of the API, again whenever `path` changes (or `reload` is called).
export function useApi<T>(path: string | null) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    if (!path) return;
    let live = true;
    setError(null);
    api<T>(path)
      .then((d) => live && setData(d))
      .catch((e) => live && setError(e instanceof ApiError ? e : new ApiError(0, "network", String(e), null)));
    return () => {
      live = false;
    };
  }, [path, n]);
  return { data, error, reload: () => setN((k) => k + 1) };
}

export function Problem({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <p class="problem" role="alert">
      {error.message}
    </p>
  );
}

export function Loading({ when }: { when: boolean }) {
  return when ? <p class="muted">Loading…</p> : null;
}
