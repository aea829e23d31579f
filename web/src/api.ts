// The dashboard's one way to the JSON API (/api/v1, docs/api.md): the
// session cookie authenticates (the browser never holds the API token), and
// every state-changing request carries the session's CSRF token.

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public field: string | null,
  ) {
    super(message);
  }
}

let csrf: string | null = null;

export function setCsrf(token: string | null): void {
  csrf = token;
}

// Back to the login page, which returns to this page after logging in.
export function toLogin(): never {
  const here = location.pathname + location.search;
  location.assign("/login?next=" + encodeURIComponent(here));
  throw new ApiError(401, "session_expired", "log in again", null);
}

async function answer<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: any = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const e = body?.error;
    throw new ApiError(
      res.status,
      typeof e === "object" && e ? e.code : `http_${res.status}`,
      typeof e === "object" && e ? e.message : (body?.message ?? res.statusText),
      typeof e === "object" && e ? (e.field ?? null) : null,
    );
  }
  return body as T;
}

// The session's CSRF token (after a reload the page asks for it again).
export async function loadSession(): Promise<boolean> {
  const res = await fetch("/session", { credentials: "same-origin" });
  if (res.status === 401) return false;
  const body = await answer<{ csrf: string }>(res);
  csrf = body.csrf;
  return true;
}

export async function api<T>(path: string, method = "GET", body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET" && method !== "HEAD") {
    if (!csrf) await loadSession();
    if (csrf) headers["X-CSRF-Token"] = csrf;
  }
  const res = await fetch(path, {
    method,
    headers,
    credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401) toLogin();
  return answer<T>(res);
}

export async function login(token: string): Promise<void> {
  const res = await fetch("/login", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    credentials: "same-origin",
    body: JSON.stringify({ token }),
  });
  const body = await answer<{ csrf: string }>(res);
  csrf = body.csrf;
}

export async function logout(): Promise<void> {
  await fetch("/logout", {
    method: "POST",
    headers: csrf ? { "X-CSRF-Token": csrf } : {},
    credentials: "same-origin",
  });
  csrf = null;
}

// The API's shapes the pages read.
export interface Counts {
  read: number;
  created: number;
  updated: number;
  skipped: number;
  deleted: number;
  failed: number;
  api_calls: number;
  expected: number | null;
}
export interface Run {
  id: number;
  status: string;
  trigger: string;
  request: { flows: string[]; params: Record<string, string>; full: boolean };
  queued_at: string | null;
  started_at: string | null;
  ended_at: string | null;
  message: string | null;
  cancel_requested: boolean;
  flows: Record<string, Counts>;
  progress: { flow: string | null; read: number; expected: number | null; percent: number | null } | null;
}
export interface Progress {
  run_id: number;
  status: string;
  flow: string | null;
  flows: Record<string, Counts>;
  updated_at: string;
  version: number;
}
export interface RecordError {
  id: number;
  run_id: number;
  flow: string;
  source_id: string;
  kind: string;
  message: string;
  payload: unknown;
  attempts: number;
  status: string;
  outcome_unknown: boolean;
  next_attempt_at: string | null;
  created_at: string;
}
export interface Flow {
  name: string;
  source_connection: string;
  target_connection: string;
  trigger: { schedule: string | null; timezone: string | null; cdc: boolean; manual: boolean };
  next_fire_at: string | null;
  running: boolean;
  depends_on: string[];
  open_errors: number;
  open_errors_capped: boolean;
  last_run: { run_id: number; status: string; ended_at: string | null; last_success_at: string | null } | null;
}
export interface Connection {
  name: string;
  type: string;
  checked_at: string | null;
  ok: boolean | null;
  message: string | null;
  connected: boolean | null;
  budget_remaining: number | null;
}
export interface InboxFlow {
  flow: string;
  pending: number;
  done: number;
  skipped: number;
  failed: number;
  oldest_pending_at: string | null;
  last_received_at: string | null;
}
export interface PlannedChange {
  action: string;
  source_id: string;
  target_id: string | null;
  held: boolean;
  fields: { name: string; before: string | null; after: string }[];
}
export interface PlanFlow extends Omit<Counts, "api_calls" | "expected"> {
  flow: string;
  error: string | null;
  changes: PlannedChange[];
}
export interface Plan {
  status: string;
  flows: PlanFlow[];
}
export const RUN_STATUSES = ["queued", "running", "succeeded", "partial", "failed", "cancelled", "interrupted"];
export const ENDED = new Set(["succeeded", "partial", "failed", "cancelled", "interrupted"]);
