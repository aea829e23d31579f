// The pieces the pages' tables share: the header row from column specs in
// a sideways-scrolling box, and an API answer's loading and problem states.
import type { ComponentChildren } from "preact";
import type { ApiError } from "./api";
import { Loading, Problem } from "./load";

// A column: its heading, right-aligned when it holds numbers; `hidden`
// headings are for screen readers only (an actions column).
export type Col = string | { label: string; num?: boolean; hidden?: boolean; cls?: string };

export function Table({ cols, cls, children }: { cols: Col[]; cls?: string; children: ComponentChildren }) {
  return (
    <div class="scroll">
      <table class={cls}>
        <thead>
          <tr>
            {cols.map((c) => {
              const col = typeof c === "string" ? { label: c } : c;
              const classes = [col.num ? "num" : "", col.cls ?? ""].filter(Boolean).join(" ");
              return (
                <th scope="col" class={classes || undefined}>
                  {col.hidden ? <span class="sr-only">{col.label}</span> : col.label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

// An API answer (useApi): its problem, "Loading…", or what `children` makes of its data.
export function Loaded<T>({
  state,
  children,
}: {
  state: { data: T | null; error: ApiError | null };
  children: (data: T) => ComponentChildren;
}) {
  if (state.error) return <Problem error={state.error} />;
  if (!state.data) return <Loading when />;
  return <>{children(state.data)}</>;
}
