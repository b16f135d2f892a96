/**
 * The dashboard's HTTP server (issue 13 §1): the embedded page, the JSON API under `/api/v1/`
 * (each read route is a command line whose `--format json` envelope is the response), jobs with
 * server-sent events, and the checks of {@linkcode checkRequest} on every request.
 *
 * @module
 */
import { DASHBOARD_ASSETS } from "./assets.generated.ts";
import { httpStatusOf } from "./http_status.ts";
import { JobRequestError, planJob } from "./job_request.ts";
import { type CommandRunner, type JobEvent, JobQueue, JobRefusedError } from "./jobs.ts";
import { readRoute } from "./read_routes.ts";
import {
  allowedHosts,
  checkRequest,
  isBindAll,
  machineNames,
  tokenCookie,
} from "./request_guard.ts";
import { newToken, sameToken } from "./token.ts";

/** How to start a dashboard. */
export interface DashboardOptions {
  /** Address to bind (`127.0.0.1`, `::1`, `0.0.0.0`, …). */
  host: string;
  /** Port; 0 picks a free one. */
  port: number;
  /** `--read-only`: views only, every non-GET API request is refused (403). */
  readOnly: boolean;
  /** Runs a command line in-process (the command layer passes `runInProcess`). */
  run: CommandRunner;
  /** gestvenv's version and home, for `GET /api/v1/session`. */
  version: string;
  home: string;
  /** The token; default a new random one ({@linkcode newToken}). */
  token?: string;
  /** Served at `GET /metrics` (Prometheus text format) when given, with the token required. */
  metrics?: () => Promise<string>;
  /**
   * Whether `path` is one of the discovered Python interpreters (the command passes lib/python's
   * discovery). A create job naming an interpreter by path runs only when it says yes; without
   * it, such jobs are refused (400).
   */
  isKnownInterpreter?: (path: string) => Promise<boolean>;
}

/** A running dashboard. */
export interface DashboardServer {
  /** The bound address and port (the real one when 0 was asked). */
  host: string;
  port: number;
  /** The access token. */
  token: string;
  /** `http://HOST:PORT/?token=TOKEN`: what to open. */
  url: string;
  readOnly: boolean;
  /**
   * Stops accepting requests, cancels the jobs that have not ended (a running one rolls back as
   * on Ctrl-C) and waits for them and for open responses.
   */
  stop(): Promise<void>;
  /** Settles when the server has stopped. */
  finished: Promise<void>;
}

/** Headers of every response: no caching, a strict CSP, no sniffing, no referrer, no frames. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Cache-Control": "no-store",
  "Content-Security-Policy":
    "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Resource-Policy": "same-origin",
};

const JSON_TYPE = "application/json; charset=utf-8";

/** An envelope of the dashboard's own (refusals, bad requests), in the CLI's JSON shape. */
export function dashboardEnvelope(
  code: string,
  message: string,
  hint: string | null,
): Record<string, unknown> {
  return {
    gestvenv_result_version: "1",
    command: "dashboard",
    status: "error",
    data: null,
    errors: [{ code, message, hint: hint === "" ? null : hint }],
  };
}

function respond(
  body: BodyInit | null,
  status: number,
  headers: Record<string, string> = {},
): Response {
  return new Response(body, { status, headers: { ...SECURITY_HEADERS, ...headers } });
}

function json(value: unknown, status = 200): Response {
  return respond(`${JSON.stringify(value, null, 2)}\n`, status, { "Content-Type": JSON_TYPE });
}

function error(status: number, code: string, message: string, hint: string | null): Response {
  return json(dashboardEnvelope(code, message, hint), status);
}

/** The last `error: …` line of a command's stderr (for a run that printed no envelope). */
function lastError(stderr: string): string {
  const line = stderr.split("\n").filter((l) => l.startsWith("error: ")).at(-1);
  return line?.slice("error: ".length) ?? (stderr.trim().split("\n").at(-1) ?? "");
}

/** In-process reads (API GET routes) run at once; more wait, up to {@linkcode READS_WAITING}. */
const READS_AT_ONCE = 4;
/** Reads that may wait for a slot; past it a read is answered 503 `busy`. */
const READS_WAITING = 64;
/** Events queued for one SSE client before it is dropped as too slow. */
const SSE_BACKLOG = 1_000;

const NO_JOB_HINT = "GET /api/v1/jobs lists the jobs this server knows (it forgets the oldest " +
  "finished ones, and all of them when it restarts)";

const JOB_PATH = new URLPattern({ pathname: "/api/v1/jobs/:id" });
const JOB_EVENTS_PATH = new URLPattern({ pathname: "/api/v1/jobs/:id/events" });
const JOB_CANCEL_PATH = new URLPattern({ pathname: "/api/v1/jobs/:id/cancel" });

/**
 * Starts the dashboard on `host:port` (Deno.serve). Resolves once it listens.
 *
 * @throws {Deno.errors.AddrInUse} When the port is taken (the command turns it into an error with
 *   a hint); other listen errors as Deno raises them.
 */
export async function startDashboard(options: DashboardOptions): Promise<DashboardServer> {
  const token = options.token ?? newToken();
  let reading = 0;
  const readQueue: (() => void)[] = [];
  const jobs = new JobQueue(options.run);
  let hosts = new Set<string>();
  let cookie = "";
  let address = "";
  const controller = new AbortController();

  const runRead = async (args: string[]): Promise<Response> => {
    // Bounded: at most READS_AT_ONCE reads run in this process, READS_WAITING more wait.
    if (reading >= READS_AT_ONCE) {
      if (readQueue.length >= READS_WAITING) {
        return error(
          503,
          "busy",
          `${reading + readQueue.length} reads are running or waiting already`,
          "Retry in a moment",
        );
      }
      await new Promise<void>((resolve) => readQueue.push(resolve));
    } else reading++;
    let run;
    try {
      run = await options.run(args, {});
    } finally {
      // Hand the slot to the next waiting read, or free it.
      const next = readQueue.shift();
      if (next === undefined) reading--;
      else next();
    }
    try {
      JSON.parse(run.stdout);
    } catch {
      return error(
        500,
        "no_document",
        `\`gestvenv ${args.join(" ")}\` printed no JSON document (exit ${run.code})` +
          (lastError(run.stderr) === "" ? "" : `: ${lastError(run.stderr)}`),
        "Run the same command in a terminal to see its output",
      );
    }
    // Verbatim: the bytes `--format json` prints.
    return respond(run.stdout, httpStatusOf(run.code), { "Content-Type": JSON_TYPE });
  };

  const events = (id: string): Response => {
    const encoder = new TextEncoder();
    let stop: (() => void) | undefined;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        const send = (event: JobEvent) => {
          try {
            // A client that reads slower than the job writes is dropped (it may reconnect:
            // the stream starts with the job's log) rather than buffered without end.
            if ((controller.desiredSize ?? 0) < -SSE_BACKLOG) {
              stop?.();
              controller.close();
              return;
            }
            controller.enqueue(
              encoder.encode(`event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`),
            );
            if (event.event === "end") controller.close();
          } catch { /* the client went away */ }
        };
        stop = jobs.subscribe(id, send);
      },
      cancel() {
        stop?.();
      },
    });
    return respond(stream, 200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "X-Accel-Buffering": "no",
    });
  };

  const api = async (request: Request, url: URL): Promise<Response> => {
    const path = url.pathname;
    const method = request.method === "HEAD" ? "GET" : request.method;
    if (path === "/api/v1/session") {
      if (method !== "GET") return error(405, "method", `${request.method} ${path}`, "Use GET");
      return json({ read_only: options.readOnly, version: options.version, home: options.home });
    }
    if (path === "/api/v1/jobs") {
      if (method === "GET") return json({ jobs: jobs.list().map(({ log: _, ...job }) => job) });
      if (method !== "POST") {
        return error(405, "method", `${request.method} ${path}`, "Use GET or POST");
      }
      const type = request.headers.get("content-type") ?? "";
      if (!/^application\/json\s*(;|$)/i.test(type)) {
        return error(
          415,
          "content_type",
          "A job is posted as JSON",
          "Send `Content-Type: application/json`",
        );
      }
      let body: unknown;
      try {
        body = JSON.parse(await request.text());
      } catch {
        return error(400, "bad_json", "The body is not JSON", "Send a JSON object");
      }
      try {
        const plan = planJob(body);
        const path = plan.pythonPath ?? null;
        if (path !== null && !(await options.isKnownInterpreter?.(path) ?? false)) {
          return error(
            400,
            "bad_request",
            `\`${path}\` is not one of the Python interpreters gestvenv discovered`,
            "Pick one that GET /api/v1/pythons lists, or give a version such as 3.12",
          );
        }
        const job = jobs.submit(plan);
        return json({ job: job.id }, 202);
      } catch (caught) {
        if (caught instanceof JobRequestError) {
          return error(400, "bad_request", caught.message, caught.hint);
        }
        if (caught instanceof JobRefusedError) {
          return error(
            503,
            caught.code === "closing" ? "stopping" : "busy",
            caught.message,
            caught.hint,
          );
        }
        throw caught;
      }
    }
    const cancel = JOB_CANCEL_PATH.exec({ pathname: path });
    if (cancel !== null) {
      if (method !== "POST") return error(405, "method", `${request.method} ${path}`, "Use POST");
      const id = cancel.pathname.groups["id"]!;
      const job = jobs.get(id);
      if (job === undefined) return error(404, "no_job", `No job ${id}`, NO_JOB_HINT);
      if (!jobs.cancel(id)) {
        return error(
          409,
          "job_ended",
          `Job ${id} has already ended (${job.state})`,
          `Nothing to cancel: GET /api/v1/jobs/${id} shows how it ended`,
        );
      }
      return json({ job: id, cancelling: true }, 202);
    }
    const stream = JOB_EVENTS_PATH.exec({ pathname: path });
    if (stream !== null) {
      if (method !== "GET") return error(405, "method", `${request.method} ${path}`, "Use GET");
      const id = stream.pathname.groups["id"]!;
      if (jobs.get(id) === undefined) return error(404, "no_job", `No job ${id}`, NO_JOB_HINT);
      return events(id);
    }
    const one = JOB_PATH.exec({ pathname: path });
    if (one !== null) {
      if (method !== "GET") return error(405, "method", `${request.method} ${path}`, "Use GET");
      const job = jobs.get(one.pathname.groups["id"]!);
      if (job === undefined) {
        return error(404, "no_job", `No job ${one.pathname.groups["id"]}`, NO_JOB_HINT);
      }
      return json(job);
    }
    const route = readRoute(path, url.searchParams);
    if (route === undefined) {
      return error(404, "no_route", `No API route ${path}`, "See README, section Dashboard");
    }
    if (method !== "GET") return error(405, "method", `${request.method} ${path}`, "Use GET");
    if (route.kind === "invalid") return error(400, "bad_request", route.message, route.hint);
    return await runRead(route.args);
  };

  const handle = async (request: Request): Promise<Response> => {
    const refusal = checkRequest(request, {
      token,
      hosts,
      cookie,
      address,
      readOnly: options.readOnly,
    });
    if (refusal !== undefined) {
      return error(403, refusal.code, refusal.message, refusal.hint);
    }
    const url = new URL(request.url);
    if (url.pathname.startsWith("/api/")) return await api(request, url);
    if (url.pathname === "/metrics" && options.metrics !== undefined) {
      if (request.method !== "GET" && request.method !== "HEAD") {
        return error(405, "method", `${request.method} /metrics`, "Use GET");
      }
      return respond(await options.metrics(), 200, {
        "Content-Type": "text/plain; version=0.0.4; charset=utf-8",
      });
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      return error(405, "method", `${request.method} ${url.pathname}`, "Pages are read with GET");
    }
    const given = url.searchParams.get("token");
    if (given !== null) {
      if (!sameToken(given, token)) {
        return error(
          403,
          "bad_token",
          "The token in this URL is wrong (an older server's?)",
          "Open the URL the running `gestvenv dashboard serve` printed",
        );
      }
      url.searchParams.delete("token");
      return respond(null, 303, {
        "Location": `${url.pathname}${url.search}${url.hash}`,
        "Set-Cookie": `${cookie}=${token}; HttpOnly; SameSite=Strict; Path=/`,
      });
    }
    // Unknown paths get the page: its routes are `#/` hashes.
    const asset = DASHBOARD_ASSETS.get(url.pathname) ?? DASHBOARD_ASSETS.get("/");
    if (asset === undefined) return error(404, "no_page", "The page is not embedded", null);
    return respond(request.method === "HEAD" ? null : asset.body, 200, {
      "Content-Type": asset.contentType,
    });
  };

  const { promise: listening, resolve: listened } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    hostname: options.host,
    port: options.port,
    signal: controller.signal,
    onListen: (addr) => listened(addr as Deno.NetAddr),
    onError: (caught) =>
      error(500, "internal", `The dashboard failed: ${String(caught)}`, "See the server's log"),
  }, handle);
  const addr = await listening;
  // Bound to every interface: the machine's addresses and names are its own too.
  hosts = allowedHosts(options.host, addr.port, isBindAll(options.host) ? machineNames() : []);
  cookie = tokenCookie(addr.port);
  const shown = options.host.includes(":") ? `[${options.host}]` : options.host;
  address = `http://${shown}:${addr.port}/`;
  return {
    host: options.host,
    port: addr.port,
    token,
    url: `http://${shown}:${addr.port}/?token=${token}`,
    readOnly: options.readOnly,
    finished: server.finished,
    async stop() {
      await jobs.close();
      controller.abort();
      await server.finished;
    },
  };
}
