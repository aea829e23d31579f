// How numbers, times and statuses look everywhere.
const numbers = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const local = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

export function num(n: number | null | undefined): string {
  return n === null || n === undefined ? "–" : numbers.format(n);
}

// A time in the browser's zone; UTC on hover.
export function Time({ at }: { at: string | null | undefined }) {
  if (!at) return <span class="muted">–</span>;
  const d = new Date(at);
  return (
    <time dateTime={at} title={d.toISOString().replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC")}>
      {local.format(d)}
    </time>
  );
}

export function duration(from: string | null, to: string | null): string {
  if (!from) return "–";
  const ms = (to ? new Date(to).getTime() : Date.now()) - new Date(from).getTime();
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

const MARKS: Record<string, string> = {
  succeeded: "✓",
  ok: "✓",
  partial: "!",
  failed: "✕",
  cancelled: "■",
  interrupted: "↯",
  running: "▶",
  queued: "…",
  unchecked: "?",
  parked: "‖",
  pending: "…",
  resolved: "✓",
};

// Status as colour plus text (and a mark), never colour alone.
export function Status({ status }: { status: string }) {
  return (
    <span class={`status s-${status}`}>
      <span aria-hidden="true">{MARKS[status] ?? "•"}</span> {status}
    </span>
  );
}

// A progress bar with its numbers in words for screen readers.
export function Bar({ read, expected, label, done }: { read: number; expected: number | null; label: string; done?: boolean }) {
  const pct = expected ? Math.min(100, Math.floor((read * 100) / Math.max(1, expected))) : done ? 100 : null;
  return (
    <div
      class="bar"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct ?? undefined}
      aria-valuetext={pct === null ? `${num(read)} read` : `${pct}%: ${num(read)} of ${num(expected ?? read)}`}
    >
      <div class={`fill${pct === null ? " indeterminate" : ""}`} style={{ width: `${pct ?? 100}%` }} />
      <span class="bar-text">{pct === null ? `${num(read)} read` : `${pct}%`}</span>
    </div>
  );
}
