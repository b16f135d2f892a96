/// <reference lib="dom" />
/**
 * The dashboard's calls to `/api/v1/`: every read returns the `--format json` envelope of the
 * matching command (`{gestvenv_result_version, command, status, data, errors}`), and actions are
 * jobs (`POST /api/v1/jobs`, then `GET /api/v1/jobs/{id}/events` as server-sent events). The
 * token travels only as the `HttpOnly` cookie the server set (`credentials: "same-origin"`).
 *
 * @module
 */

/** One entry of an envelope's `errors` (the CLI's `error:` and `hint:`). */
export interface EnvelopeError {
  code: string;
  message: string;
  hint?: string | null;
}

/** The `--format json` document of a command. */
export interface Envelope<T = unknown> {
  gestvenv_result_version: string;
  command: string;
  status: "success" | "error" | string;
  data: T | null;
  errors: EnvelopeError[];
}

/** What `GET /api/v1/session` says about the server. */
export interface Session {
  read_only: boolean;
  version: string;
  home: string;
}

/** A request that failed: the HTTP status and, when the body was an envelope, its errors. */
export class ApiError extends Error {
  readonly status: number;
  readonly errors: EnvelopeError[];
  /** The command's whole document, when the server sent one (its `data` may say more). */
  readonly envelope: Envelope | undefined;
  constructor(
    status: number,
    message: string,
    errors: EnvelopeError[] = [],
    envelope: Envelope | undefined = undefined,
  ) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.errors = errors;
    this.envelope = envelope;
  }
}

/** The error every call gives when no answer came at all (the server stopped, the network broke). */
export function unreachable(): ApiError {
  return new ApiError(0, "The dashboard server is not answering", [{
    code: "unreachable",
    message: "The dashboard server is not answering",
    hint: "Start `gestvenv dashboard serve` again and open the URL it prints",
  }]);
}

/**
 * `fetch`, with a network failure (fetch's `TypeError`: connection refused or reset) turned into
 * {@linkcode unreachable}'s error. @throws {ApiError} when nothing answered.
 */
async function call(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, init);
  } catch (error) {
    if (error instanceof TypeError) throw unreachable();
    throw error;
  }
}

async function bodyText(response: Response): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    if (error instanceof TypeError) throw unreachable();
    throw error;
  }
}

function isEnvelope(value: unknown): value is Envelope {
  return typeof value === "object" && value !== null && "status" in value &&
    "errors" in value && Array.isArray((value as { errors: unknown }).errors);
}

async function readJson(response: Response): Promise<unknown> {
  const text = await bodyText(response);
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(
      response.status,
      `The server answered ${response.status} with a body that is not JSON`,
    );
  }
}

/**
 * `GET path` (under the page's origin) and returns the envelope when the command succeeded.
 * @throws {ApiError} with the envelope's errors when the command failed (HTTP 4xx/5xx), or when
 * the answer is not JSON (403 from the token check, a proxy), or when the server is not answering
 * (status 0, code `unreachable`).
 */
export async function getEnvelope<T>(path: string): Promise<Envelope<T>> {
  const response = await call(path, {
    credentials: "same-origin",
    headers: { accept: "application/json" },
  });
  if (response.status === 403) {
    throw new ApiError(
      403,
      "The server refused the request (403): the session's token is missing or wrong",
      [{
        code: "forbidden",
        message: "The dashboard token is missing or wrong",
        hint: "Open the URL `gestvenv dashboard serve` printed (with its ?token=) again",
      }],
    );
  }
  const body = await readJson(response);
  if (!isEnvelope(body)) {
    throw new ApiError(response.status, `Unexpected answer from ${path} (${response.status})`);
  }
  if (!response.ok || body.status === "error") {
    const first = body.errors[0];
    throw new ApiError(
      response.status,
      first?.message ?? `${path} failed (${response.status})`,
      body.errors,
      body,
    );
  }
  return body as Envelope<T>;
}

/** `GET /api/v1/session`. @throws {ApiError} as {@linkcode getEnvelope}. */
export async function getSession(): Promise<Session> {
  const response = await call("/api/v1/session", { credentials: "same-origin" });
  if (!response.ok) {
    throw new ApiError(
      response.status,
      response.status === 403
        ? "The server refused the request (403): open the URL `gestvenv dashboard serve` printed, with its ?token="
        : `GET /api/v1/session failed (${response.status})`,
    );
  }
  return await readJson(response) as Session;
}

/** The body of `POST /api/v1/jobs` (see README's dashboard API). */
export interface JobRequest {
  action:
    | "create"
    | "install"
    | "uninstall"
    | "update"
    | "sync"
    | "doctor-fix"
    | "cache-clean"
    | "delete";
  env?: string;
  packages?: string[];
  python?: string;
  requirements?: string;
  confirm?: boolean;
  confirm_name?: string;
  /** `update`: every package; `cache-clean`: everything. */
  all?: boolean;
  /** `cache-clean`: artifacts not used for this many days. */
  older_than_days?: number;
  /** `cache-clean`: unpacked wheels and stray files no environment uses. */
  unpacked?: boolean;
}

/** What `GET /api/v1/jobs/{id}` answers. */
export interface JobState {
  id: string;
  action: string;
  state: "queued" | "running" | "done" | "failed" | "cancelled";
  exit_code: number | null;
  result: Envelope | null;
  log: unknown[];
}

async function post(path: string, body: unknown): Promise<Response> {
  return await call(path, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(body),
  });
}

function errorsOf(body: unknown): EnvelopeError[] {
  if (isEnvelope(body)) return body.errors;
  if (typeof body === "object" && body !== null) {
    const b = body as { error?: unknown; message?: unknown; hint?: unknown; errors?: unknown };
    if (Array.isArray(b.errors)) return b.errors as EnvelopeError[];
    const message = typeof b.message === "string"
      ? b.message
      : typeof b.error === "string"
      ? b.error
      : undefined;
    if (message !== undefined) {
      return [{
        code: "error",
        message,
        hint: typeof b.hint === "string" ? b.hint : null,
      }];
    }
  }
  return [];
}

/**
 * Starts a job. @returns its id.
 * @throws {ApiError} when the server refuses it (400 for an argument it does not accept, 403 in
 * read-only mode or without the token), with the reasons it gave.
 */
export async function startJob(request: JobRequest): Promise<string> {
  const response = await post("/api/v1/jobs", request);
  const text = await bodyText(response);
  let body: unknown = undefined;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const errors = errorsOf(body);
    throw new ApiError(
      response.status,
      errors[0]?.message ??
        `The server refused the action (${response.status}): ${text.slice(0, 200)}`,
      errors,
    );
  }
  const id = (body as { job?: unknown } | undefined)?.job;
  if (typeof id !== "string" && typeof id !== "number") {
    throw new ApiError(response.status, "The server accepted the action but gave no job id");
  }
  return String(id);
}

/** `POST /api/v1/jobs/{id}/cancel`. @throws {ApiError} when refused. */
export async function cancelJob(id: string): Promise<void> {
  const response = await post(`/api/v1/jobs/${encodeURIComponent(id)}/cancel`, {});
  if (!response.ok) throw new ApiError(response.status, `Cancel refused (${response.status})`);
}

/** `GET /api/v1/jobs/{id}`. @throws {ApiError} when it fails. */
export async function getJob(id: string): Promise<JobState> {
  const response = await call(`/api/v1/jobs/${encodeURIComponent(id)}`, {
    credentials: "same-origin",
  });
  if (!response.ok) {
    throw new ApiError(response.status, `GET job ${id} failed (${response.status})`);
  }
  return await readJson(response) as JobState;
}

/** The path of an environment's resource: `env("a b", "tree")` → `/api/v1/environments/a%20b/tree`. */
export function envPath(name: string, resource?: string): string {
  const base = `/api/v1/environments/${encodeURIComponent(name)}`;
  return resource === undefined ? base : `${base}/${resource}`;
}
