import { useState } from "preact/hooks";
import type { Flow } from "../api";
import { ApiError, api } from "../api";
import { Loading, Problem, useApi } from "../load";
import { navigate } from "../router";
import { triggerText } from "./overview";

interface Param {
  name: string;
  value: string;
}

// Queue a run (POST /api/v1/runs): flows, params, full or incremental.
// The form checks what it can before sending; the API's refusal is shown
// next to the field it names (`flows[1]`, `params.company`).
export function StartPage() {
  const flows = useApi<{ flows: Flow[] }>("/api/v1/flows");
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [full, setFull] = useState(false);
  const [params, setParams] = useState<Param[]>([]);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const names = flows.data?.flows.map((f) => f.name) ?? [];
  const order = [...chosen].sort((a, b) => names.indexOf(a) - names.indexOf(b));
  const fieldError = (field: string) => (error && error.field === field ? error.message : null);
  const flowError = error?.field?.startsWith("flows") ? error.message : null;
  const generalError = error && !error.field?.startsWith("flows") && !error.field?.startsWith("params") ? error : null;

  const byName = new Map((flows.data?.flows ?? []).map((f) => [f.name, f]));
  // Choosing a flow chooses the flows its ref: fields need, transitively.
  function toggle(name: string, on: boolean) {
    const next = new Set(chosen);
    if (on) {
      const todo = [name];
      while (todo.length) {
        const n = todo.pop()!;
        if (next.has(n) && n !== name) continue;
        next.add(n);
        todo.push(...(byName.get(n)?.depends_on ?? []));
      }
    } else next.delete(name);
    setChosen(next);
    setError(null);
  }
  // Why a chosen flow is there although nobody ticked it: who needs it.
  const neededBy = (name: string) => [...chosen].filter((c) => byName.get(c)?.depends_on?.includes(name));
  function setParam(i: number, p: Partial<Param>) {
    setParams(params.map((q, k) => (k === i ? { ...q, ...p } : q)));
    setError(null);
  }

  async function submit(e: Event) {
    e.preventDefault();
    for (const [i, p] of params.entries()) {
      if (!p.name.trim() && p.value) {
        setError(new ApiError(400, "invalid_value", "name the param", `params[${i}]`));
        return;
      }
    }
    const body: Record<string, unknown> = { full };
    if (chosen.size) body.flows = order;
    const ps = Object.fromEntries(params.filter((p) => p.name.trim()).map((p) => [p.name.trim(), p.value]));
    if (Object.keys(ps).length) body.params = ps;
    setBusy(true);
    try {
      const run = await api<{ id: number }>("/api/v1/runs", "POST", body);
      navigate(`/runs/${run.id}`);
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} class="start" noValidate>
      <Problem error={flows.error} />
      <Loading when={!flows.data && !flows.error} />
      <fieldset aria-describedby="flows-error">
        <legend>Flows (none chosen: every flow)</legend>
        {flows.data?.flows.map((f) => (
          <label class="check">
            <input type="checkbox" name="flow" value={f.name} checked={chosen.has(f.name)} onChange={(e) => toggle(f.name, (e.target as HTMLInputElement).checked)} />
            <span>
              <strong>{f.name}</strong>{" "}
              <span class="muted">
                {f.source_connection} → {f.target_connection} · {triggerText(f)}
              </span>
              {f.depends_on?.length > 0 && <span class="muted"> · needs {f.depends_on.join(", ")}</span>}
              {chosen.has(f.name) && neededBy(f.name).length > 0 && (
                <span class="hint" data-hint={f.name}>
                  {" "}
                  Also runs: {neededBy(f.name).join(", ")} {neededBy(f.name).length > 1 ? "link" : "links"} to its records (ref:),
                  so it goes first.
                </span>
              )}
            </span>
          </label>
        ))}
        <p id="flows-error" class="field-error" role="alert">
          {flowError}
        </p>
      </fieldset>
      <fieldset>
        <legend>Mode</legend>
        <label class="check">
          <input type="radio" name="mode" checked={!full} onChange={() => setFull(false)} /> Incremental (from each flow's
          cursor)
        </label>
        <label class="check">
          <input type="radio" name="mode" checked={full} onChange={() => setFull(true)} /> Full (read everything)
        </label>
      </fieldset>
      <fieldset>
        <legend>Params</legend>
        {params.map((p, i) => {
          const err = fieldError(`params.${p.name.trim()}`) ?? fieldError(`params[${i}]`);
          return (
            <div class="param">
              <label>
                Name{" "}
                <input value={p.name} onInput={(e) => setParam(i, { name: (e.target as HTMLInputElement).value })} aria-invalid={err ? "true" : undefined} />
              </label>
              <label>
                Value <input value={p.value} onInput={(e) => setParam(i, { value: (e.target as HTMLInputElement).value })} />
              </label>
              <button type="button" class="link" onClick={() => setParams(params.filter((_, k) => k !== i))} aria-label={`Remove param ${p.name || i + 1}`}>
                Remove
              </button>
              {err && (
                <p class="field-error" role="alert">
                  {err}
                </p>
              )}
            </div>
          );
        })}
        <button type="button" class="link" onClick={() => setParams([...params, { name: "", value: "" }])}>
          Add a param
        </button>
      </fieldset>
      <Problem error={generalError} />
      <button type="submit" disabled={busy || !flows.data}>
        {busy ? "Starting…" : chosen.size ? `Start a run of ${chosen.size} flow${chosen.size > 1 ? "s" : ""}` : "Start a run of every flow"}
      </button>
    </form>
  );
}
