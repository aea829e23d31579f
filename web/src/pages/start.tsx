import { useState } from "preact/hooks";
import type { Flow, Plan } from "../api";
import { ApiError, api } from "../api";
import { Loading, Problem, useApi } from "../load";
import { navigate } from "../router";
import { triggerText } from "./overview";
import { num } from "../format";
import { Table } from "../table";

// How many changes of each flow a dry run shows.
const DIFFS = 5;

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
  const [plan, setPlan] = useState<Plan | null>(null);
  const [planning, setPlanning] = useState(false);

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

  // The request the form says, or null (and the field's error shown) when
  // it cannot be sent.
  function requestBody(): Record<string, unknown> | null {
    for (const [i, p] of params.entries()) {
      if (!p.name.trim() && p.value) {
        setError(new ApiError(400, "invalid_value", "name the param", `params[${i}]`));
        return null;
      }
    }
    const body: Record<string, unknown> = { full };
    if (chosen.size) body.flows = order;
    const ps = Object.fromEntries(params.filter((p) => p.name.trim()).map((p) => [p.name.trim(), p.value]));
    if (Object.keys(ps).length) body.params = ps;
    return body;
  }

  // `crmsync plan`: what a run would do, nothing written.
  async function dryRun() {
    const body = requestBody();
    if (!body) return;
    setPlanning(true);
    setPlan(null);
    setError(null);
    try {
      setPlan(await api<Plan>(`/api/v1/plan?diffs=${DIFFS}`, "POST", body));
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setPlanning(false);
    }
  }

  async function submit(e: Event) {
    e.preventDefault();
    const body = requestBody();
    if (!body) return;
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
      <div class="actions">
        <button type="submit" disabled={busy || !flows.data}>
          {busy ? "Starting…" : chosen.size ? `Start a run of ${chosen.size} flow${chosen.size > 1 ? "s" : ""}` : "Start a run of every flow"}
        </button>
        <button type="button" class="secondary" id="dry-run" onClick={dryRun} disabled={planning || !flows.data}>
          {planning ? "Planning…" : "Dry run"}
        </button>
      </div>
      <PlanView plan={plan} planning={planning} />
    </form>
  );
}

// A dry run's counts per flow and each flow's first changes.
function PlanView({ plan, planning }: { plan: Plan | null; planning: boolean }) {
  if (planning) return <p class="muted" role="status">Reading the sources (nothing is written)…</p>;
  if (!plan) return null;
  return (
    <section aria-labelledby="plan-h" class="plan">
      <h2 id="plan-h">Dry run: what a run would do</h2>
      <p class="help">Nothing was written. The counts are of this moment; a run reads the sources again.</p>
      <Table
        cls="plan-counts"
        cols={[
          "Flow",
          { label: "Read", num: true },
          { label: "Create", num: true },
          { label: "Update", num: true },
          { label: "Unchanged", num: true },
          { label: "Delete", num: true },
          { label: "Fail", num: true },
        ]}
      >
        {plan.flows.map((f) => (
          <tr>
            <th scope="row">{f.flow}</th>
            <td class="num">{num(f.read)}</td>
            <td class="num">{num(f.created)}</td>
            <td class="num">{num(f.updated)}</td>
            <td class="num">{num(f.skipped)}</td>
            <td class="num">{num(f.deleted)}</td>
            <td class="num">{num(f.failed)}</td>
          </tr>
        ))}
      </Table>
      {plan.flows.map((f) => (
        <div class="plan-flow" data-plan={f.flow}>
          {f.error && (
            <p class="problem" role="alert">
              {f.flow}: {f.error}
            </p>
          )}
          {f.changes.length > 0 && (
            <details open>
              <summary>
                {f.flow}: first {f.changes.length} change{f.changes.length > 1 ? "s" : ""}
              </summary>
              <ul class="diffs">
                {f.changes.map((c) => (
                  <li>
                    <strong>{c.action}</strong> <code>{c.source_id}</code>
                    {c.target_id ? (
                      <>
                        {" → "}
                        <code>{c.target_id}</code>
                      </>
                    ) : null}
                    {c.held ? " (held back by max_deletes)" : ""}
                    {c.fields.length > 0 && (
                      <ul>
                        {c.fields.map((x) => (
                          <li>
                            <code>{x.name}</code>: {x.before !== null && x.before !== "" ? `${x.before} → ` : ""}
                            {x.after}
                          </li>
                        ))}
                      </ul>
                    )}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </div>
      ))}
    </section>
  );
}
